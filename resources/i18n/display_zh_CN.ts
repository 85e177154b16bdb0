<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CallBoard</name>
    <message>
        <source>Now calling</source>
        <translation>正在呼叫</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>预约</translation>
    </message>
    <message>
        <source>Last calls</source>
        <translation>最近呼叫</translation>
    </message>
    <message>
        <source>no audio player is installed</source>
        <translation>未安装播放程序</translation>
    </message>
    <message>
        <source>no sound device was found</source>
        <translation>未检测到声音设备</translation>
    </message>
    <message>
        <source>the sound device does not play</source>
        <translation>声音设备无法播放</translation>
    </message>
    <message>
        <source>no speech engine is installed</source>
        <translation>未安装语音合成程序</translation>
    </message>
    <message>
        <source>voice.json is wrong</source>
        <translation>语音设置（voice.json）有误</translation>
    </message>
    <message>
        <source>Calls are shown but not spoken: {why}.</source>
        <translation>语音播报不可用：{why}。叫号照常显示。</translation>
    </message>
    <message>
        <source>Window {window}</source>
        <translation>{window}号窗口</translation>
    </message>
    <message>
        <source>{number}, please go to window {window}</source>
        <translation>请{number}号到{window}号窗口办理</translation>
    </message>
    <message>
        <source>Calling again</source>
        <translation>重复呼叫</translation>
    </message>
    <message>
        <source>{time} appointment</source>
        <translation>{time} 预约</translation>
    </message>
    <message>
        <source>{n} waiting</source>
        <translation>{n}人等候</translation>
    </message>
    <message>
        <source>{n} booked visitors are due in the next half hour</source>
        <translation>半小时内将有 {n} 位预约群众到号</translation>
    </message>
    <message>
        <source>The connection to the hall server is lost. This screen shows the last calls it received.</source>
        <translation>与叫号服务器的连接已中断，屏幕显示的是最后收到的叫号信息。</translation>
    </message>
</context>
<context>
    <name>DisplayWindow</name>
    <message>
        <source>Call screen</source>
        <translation>叫号屏</translation>
    </message>
</context>
</TS>
