<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BookPage</name>
    <message>
        <source>Book a later time</source>
        <translation>预约其他时间</translation>
    </message>
    <message>
        <source>Choose a time. On the day, check in at Appointment check-in with the same card a little before it.</source>
        <translation>请选择时间。到时请在预约时间前用同一证件在“预约签到”签到。</translation>
    </message>
    <message>
        <source>No time can be booked for this matter in the next days.</source>
        <translation>该事项近几日没有可预约的时间。</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <source>{month}/{day} {weekday}</source>
        <translation>{month}月{day}日 {weekday}</translation>
    </message>
    <message>
        <source>{day} {start}-{end}
{free} left</source>
        <translation>{day} {start}-{end}
剩余 {free} 个</translation>
    </message>
    <message>
        <source>Booked: {service}, {day} {time}</source>
        <translation>已预约：{service}，{day} {time}</translation>
    </message>
    <message>
        <source>Please come with the same card and check in at Appointment check-in from {minutes} minutes before your time. You are then called ahead of people without a booking.</source>
        <translation>请携带同一证件，在预约时间前 {minutes} 分钟内到“预约签到”签到，签到后优先于未预约的群众叫号。</translation>
    </message>
</context>
<context>
    <name>CheckInPage</name>
    <message>
        <source>Appointment check-in</source>
        <translation>预约签到</translation>
    </message>
    <message>
        <source>Please tap the ID card you booked with, or insert your social security card, or show your ID code.</source>
        <translation>请刷预约时使用的身份证，或插入社保卡，或出示身份码。</translation>
    </message>
    <message>
        <source>You get a number with the priority of your appointment.</source>
        <translation>签到后按预约优先取号。</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>ConfirmPage</name>
    <message>
        <source>Please confirm</source>
        <translation>请确认</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>办理事项</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>办理窗口</translation>
    </message>
    <message>
        <source>Waiting ahead</source>
        <translation>前面等候</translation>
    </message>
    <message>
        <source>Expected wait</source>
        <translation>预计等候</translation>
    </message>
    <message>
        <source>Taken by</source>
        <translation>取号人</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先类别</translation>
    </message>
    <message>
        <source>The printer is out of paper. You can still take a number: it is shown on the screen with a QR code to photograph.</source>
        <translation>打印机缺纸。您仍可取号：号码和二维码将显示在屏幕上，请拍照或记下。</translation>
    </message>
    <message>
        <source>Take the number</source>
        <translation>确认取号</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Book a later time instead</source>
        <translation>改为预约其他时间</translation>
    </message>
    <message>
        <source>{count} people</source>
        <translation>{count} 人</translation>
    </message>
    <message>
        <source>about {minutes} minutes</source>
        <translation>约 {minutes} 分钟</translation>
    </message>
    <message>
        <source>You are next</source>
        <translation>马上轮到您</translation>
    </message>
    <message>
        <source>Without ID</source>
        <translation>无证取号</translation>
    </message>
    <message>
        <source>Regular</source>
        <translation>普通</translation>
    </message>
</context>
<context>
    <name>HelpPage</name>
    <message>
        <source>Ask staff for help</source>
        <translation>请求帮办</translation>
    </message>
    <message>
        <source>A staff member will come to this terminal to help you. Who needs help?</source>
        <translation>工作人员将到本机旁为您帮办代办。请问哪位需要帮助？</translation>
    </message>
    <message>
        <source>A senior citizen</source>
        <translation>老年人</translation>
    </message>
    <message>
        <source>A person with a disability</source>
        <translation>残疾人</translation>
    </message>
    <message>
        <source>A pregnant woman</source>
        <translation>孕妇</translation>
    </message>
    <message>
        <source>Someone else</source>
        <translation>其他需要帮助的人</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Please stay here.</source>
        <translation>请在此稍候。</translation>
    </message>
    <message>
        <source>A staff member is on the way.</source>
        <translation>工作人员已接单，马上就到。</translation>
    </message>
    <message>
        <source>The staff have been told. Someone will come to you soon.</source>
        <translation>已通知工作人员，请稍候，马上有人来帮您。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>Welcome to the self-service terminal</source>
        <translation>欢迎使用政务服务自助终端</translation>
    </message>
    <message>
        <source>To take a number, tap your ID card on the reader, insert your social security card, or show your ID code or enterprise code to the scanner.</source>
        <translation>取号请刷身份证、插入社保卡，或将身份码、企业码对准扫码口。</translation>
    </message>
    <message>
        <source>Take a number</source>
        <translation>取号</translation>
    </message>
    <message>
        <source>What to bring</source>
        <translation>一次性告知</translation>
    </message>
    <message>
        <source>Materials and conditions, all at once</source>
        <translation>所需材料和办理条件一次说清</translation>
    </message>
    <message>
        <source>Case progress</source>
        <translation>办件查询</translation>
    </message>
    <message>
        <source>By case number, receipt QR code or ID card</source>
        <translation>凭办件编号、回执二维码或身份证查询</translation>
    </message>
    <message>
        <source>Rate our service</source>
        <translation>好差评</translation>
    </message>
    <message>
        <source>Tell us how it went</source>
        <translation>请对本次服务作出评价</translation>
    </message>
    <message>
        <source>Appointment check-in</source>
        <translation>预约签到</translation>
    </message>
    <message>
        <source>Booked online? Check in here</source>
        <translation>已网上预约？请在此签到</translation>
    </message>
    <message>
        <source>Number without ID</source>
        <translation>无证取号</translation>
    </message>
    <message>
        <source>Consultation and picking up results</source>
        <translation>咨询、取件无需证件</translation>
    </message>
    <message>
        <source>Ask staff for help</source>
        <translation>请求帮办</translation>
    </message>
    <message>
        <source>Seniors, people with disabilities, pregnant women</source>
        <translation>老年人、残疾人、孕妇可请工作人员帮办代办</translation>
    </message>
    <message>
        <source>{count} people are waiting now</source>
        <translation>当前共有 {count} 人等候</translation>
    </message>
    <message>
        <source>The hall is closed now. It opens again on {day} at {time}. You can still look up case progress, see what to bring, and rate our service.</source>
        <translation>现在不在办公时间，下次开放：{day} {time}。您仍可办件查询、查看一次性告知、评价服务。</translation>
    </message>
    <message>
        <source>The hall is closed now. You can still look up case progress, see what to bring, and rate our service.</source>
        <translation>现在不在办公时间。您仍可办件查询、查看一次性告知、评价服务。</translation>
    </message>
    <message>
        <source>No more numbers today: the last number was given at {time}.</source>
        <translation>今日取号已结束：最后取号时间为 {time}。</translation>
    </message>
    <message>
        <source>Numbers are given until {time}; the hall closes at {close}.</source>
        <translation>取号截止 {time}，大厅 {close} 下班。</translation>
    </message>
</context>
<context>
    <name>IdentifyPage</name>
    <message>
        <source>Take a number</source>
        <translation>取号</translation>
    </message>
    <message>
        <source>Please tap your ID card on the reader, insert your social security card, or show your ID code or enterprise code to the scanner.</source>
        <translation>请将身份证放在读卡区，或插入社保卡，或将身份码、企业码对准扫码口。</translation>
    </message>
    <message>
        <source>No ID with you? Consultation and pick-up need none</source>
        <translation>没带证件？咨询、取件可无证取号</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Working now: {ways}</source>
        <translation>当前可用：{ways}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>No card reader or scanner is working now. Please ask the hall staff, or take a number without ID.</source>
        <translation>读卡器和扫码器暂不可用。请咨询大厅工作人员，或无证取号。</translation>
    </message>
</context>
<context>
    <name>IdleFlow</name>
    <message>
        <source>Back to the start screen in {seconds} seconds</source>
        <translation>{seconds} 秒后返回首页，如需继续请点“继续”</translation>
    </message>
</context>
<context>
    <name>Keyboard</name>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
</context>
<context>
    <name>KioskBase</name>
    <message>
        <source>Self-service terminal</source>
        <translation>自助服务终端</translation>
    </message>
    <message>
        <source>Offline: numbers stay valid</source>
        <translation>离线，号码照常有效</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>首页</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Standard text</source>
        <translation>标准模式</translation>
    </message>
    <message>
        <source>Larger text</source>
        <translation>大字模式</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Please take your ticket below.</source>
        <translation>请取走下方的号票。</translation>
    </message>
    <message>
        <source>Printed. Please take the list below.</source>
        <translation>已打印，请取走下方的告知单。</translation>
    </message>
    <message>
        <source>ID card reader</source>
        <translation>身份证读卡器</translation>
    </message>
    <message>
        <source>Social security card reader</source>
        <translation>社保卡读卡器</translation>
    </message>
    <message>
        <source>Code scanner</source>
        <translation>扫码器</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>out of paper</source>
        <translation>缺纸</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>{device}: {problem}</source>
        <translation>{device}：{problem}</translation>
    </message>
</context>
<context>
    <name>MaintenanceFlow</name>
    <message>
        <source>ID card reader</source>
        <translation>身份证读卡器</translation>
    </message>
    <message>
        <source>Social security card reader</source>
        <translation>社保卡读卡器</translation>
    </message>
    <message>
        <source>Code scanner</source>
        <translation>扫码器</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>not configured</source>
        <translation>未配置</translation>
    </message>
    <message>
        <source>working</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>{device}: {status}</source>
        <translation>{device}：{status}</translation>
    </message>
    <message>
        <source>{count} slips printed since the roll was changed; {state}</source>
        <translation>换纸后已打印 {count} 张；{state}</translation>
    </message>
    <message>
        <source>out of paper</source>
        <translation>缺纸</translation>
    </message>
    <message>
        <source>paper loaded</source>
        <translation>纸张正常</translation>
    </message>
    <message>
        <source>no audio player is installed: nothing is heard</source>
        <translation>未安装播放程序，听不到语音</translation>
    </message>
    <message>
        <source>no sound device was found: nothing is heard</source>
        <translation>未检测到声音设备，听不到语音</translation>
    </message>
    <message>
        <source>the sound device does not play: nothing is heard</source>
        <translation>声音设备无法播放，听不到语音</translation>
    </message>
    <message>
        <source>This terminal works alone (not enrolled with a hub).</source>
        <translation>本机独立运行（未接入大厅服务器）。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查……</translation>
    </message>
    <message>
        <source>{online}; {pending} events waiting to be sent</source>
        <translation>{online}；{pending} 条记录待上传</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Test print</source>
        <translation>测试打印</translation>
    </message>
    <message>
        <source>Terminal</source>
        <translation>终端</translation>
    </message>
    <message>
        <source>Printed since the roll was changed</source>
        <translation>换纸后已打印张数</translation>
    </message>
    <message>
        <source>Hall settings version {version}</source>
        <translation>大厅设置版本 {version}</translation>
    </message>
    <message>
        <source>No hall settings heard yet (config.json values).</source>
        <translation>尚未收到大厅设置（使用本机配置）。</translation>
    </message>
</context>
<context>
    <name>MaintenancePage</name>
    <message>
        <source>Maintenance</source>
        <translation>维护</translation>
    </message>
    <message>
        <source>Technician PIN</source>
        <translation>维护密码</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>纸张</translation>
    </message>
    <message>
        <source>Voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <source>Check devices</source>
        <translation>检查设备</translation>
    </message>
    <message>
        <source>Test print</source>
        <translation>测试打印</translation>
    </message>
    <message>
        <source>Paper roll changed</source>
        <translation>已换纸，计数清零</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>重新启动</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Too many wrong PINs: try again in {s} seconds.</source>
        <translation>密码错误次数过多，请{s}秒后再试。</translation>
    </message>
    <message>
        <source>Hall settings</source>
        <translation>大厅设置</translation>
    </message>
    <message>
        <source>Sign in with a hall account</source>
        <translation>用大厅账号登录</translation>
    </message>
    <message>
        <source>Hall account</source>
        <translation>大厅账号</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>NoticeFlow</name>
    <message>
        <source>Choose a service to see what to bring.</source>
        <translation>请选择事项，查看需要携带的材料。</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在打印……</translation>
    </message>
</context>
<context>
    <name>NoticePage</name>
    <message>
        <source>What to bring</source>
        <translation>一次性告知</translation>
    </message>
    <message>
        <source>Print this list</source>
        <translation>打印告知单</translation>
    </message>
    <message>
        <source>Take a number for it</source>
        <translation>为此事项取号</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Window: {group}</source>
        <translation>办理窗口：{group}</translation>
    </message>
    <message>
        <source>Done within {days} working days</source>
        <translation>承诺{days}个工作日内办结</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>Materials</source>
        <translation>所需材料</translation>
    </message>
    <message>
        <source>No materials are needed.</source>
        <translation>无需提交材料。</translation>
    </message>
    <message>
        <source>required</source>
        <translation>必交</translation>
    </message>
    <message>
        <source>if you have it</source>
        <translation>选交</translation>
    </message>
    <message>
        <source>may be handed in later under a written promise</source>
        <translation>可签署告知承诺书后补交（容缺）</translation>
    </message>
    <message>
        <source>not needed if the {licence} can be used</source>
        <translation>可用{licence}免交</translation>
    </message>
    <message>
        <source>{n}. {name} ({notes})</source>
        <translation>{n}. {name}（{notes}）</translation>
    </message>
    <message>
        <source>Conditions</source>
        <translation>办理条件</translation>
    </message>
    <message>
        <source>{n}. {text}</source>
        <translation>{n}. {text}</translation>
    </message>
</context>
<context>
    <name>ProgressFlow</name>
    <message>
        <source>{service}: {done} of {total} steps done.</source>
        <translation>{service}：共{total}个环节，已完成{done}个。</translation>
    </message>
</context>
<context>
    <name>ProgressPage</name>
    <message>
        <source>Case progress</source>
        <translation>办件查询</translation>
    </message>
    <message>
        <source>Enter the case number on your receipt, scan the QR code on the receipt, or tap your ID card.</source>
        <translation>请输入受理回执上的办件编号，或扫描回执上的二维码，或刷身份证查询。</translation>
    </message>
    <message>
        <source>Case number</source>
        <translation>办件编号</translation>
    </message>
    <message>
        <source>Look up</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>No case was found for this card.</source>
        <translation>没有找到此证件的办件。</translation>
    </message>
    <message>
        <source>Case number: {number}</source>
        <translation>办件编号：{number}</translation>
    </message>
    <message>
        <source>Being handled</source>
        <translation>办理中</translation>
    </message>
    <message>
        <source>Done: ready to pick up</source>
        <translation>已办结，可领取</translation>
    </message>
    <message>
        <source>Done and handed over</source>
        <translation>已办结，已领取</translation>
    </message>
    <message>
        <source>Not accepted</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation>状态：{status}</translation>
    </message>
    <message>
        <source>Steps done: {done} of {total}</source>
        <translation>办理进度：共{total}个环节，已完成{done}个</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>办理中</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已通过</translation>
    </message>
    <message>
        <source>not approved</source>
        <translation>未通过</translation>
    </message>
    <message>
        <source>Promised by {date}</source>
        <translation>承诺办结时间：{date}</translation>
    </message>
    <message>
        <source>Still to bring: {materials}</source>
        <translation>尚需补交：{materials}</translation>
    </message>
    <message>
        <source>Not permitted: pick up the written notice</source>
        <translation>不予许可：请领取书面告知</translation>
    </message>
    <message>
        <source>Ready to pick up</source>
        <translation>可以领取</translation>
    </message>
    <message>
        <source>bring {materials}</source>
        <translation>携带{materials}</translation>
    </message>
    <message>
        <source>ask at the window what to correct</source>
        <translation>到窗口了解需补正的内容</translation>
    </message>
    <message>
        <source>Correction needed for {matter}: please come to the window and {what}.</source>
        <translation>{matter}需要补正：请到窗口{what}。</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>待签收</translation>
    </message>
    <message>
        <source>correction needed</source>
        <translation>待补正</translation>
    </message>
    <message>
        <source>{matter} ({department}): {state}</source>
        <translation>{matter}（{department}）：{state}</translation>
    </message>
    <message>
        <source>, decided {date}</source>
        <translation>，{date}办结</translation>
    </message>
    <message>
        <source>, due {date}</source>
        <translation>，承诺{date}前办结</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>RateFlow</name>
    <message>
        <source>To rate a visit, enter the number on your ticket or scan the QR code on the ticket.</source>
        <translation>评价请输入号票上的号码，或扫描号票上的二维码。</translation>
    </message>
</context>
<context>
    <name>RatePage</name>
    <message>
        <source>Rate our service</source>
        <translation>好差评</translation>
    </message>
    <message>
        <source>Number on your ticket</source>
        <translation>号票上的号码</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Very satisfied</source>
        <translation>非常满意</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <source>Basically satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <source>Dissatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <source>Very dissatisfied</source>
        <translation>非常不满意</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>提交评价</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Enter the number on your ticket, or scan the QR code on the ticket.</source>
        <translation>请输入号票上的号码，或扫描号票上的二维码。</translation>
    </message>
    <message>
        <source>How was your visit with number {number}?</source>
        <translation>请评价您的本次办事（号码 {number}）：</translation>
    </message>
    <message>
        <source>We are sorry. What went wrong? Choose one or more.</source>
        <translation>很抱歉给您带来不便。请选择不满意的原因（可多选）：</translation>
    </message>
    <message>
        <source>Thank you for your rating.</source>
        <translation>感谢您的评价！</translation>
    </message>
</context>
<context>
    <name>ServicesPage</name>
    <message>
        <source>Choose what you want to do</source>
        <translation>请选择办理事项</translation>
    </message>
    <message>
        <source>Search: pinyin initials or words</source>
        <translation>搜索：拼音首字母或关键词</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>拼音搜索</translation>
    </message>
    <message>
        <source>Nothing found. Try other letters or words.</source>
        <translation>没有找到相关事项，请换个字母或关键词。</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Hello, {name} ({id})</source>
        <translation>您好，{name}（{id}）</translation>
    </message>
    <message>
        <source>Without ID: consultation and picking up results</source>
        <translation>无证取号：仅限咨询、取件</translation>
    </message>
    <message>
        <source>No one waiting</source>
        <translation>无人等候</translation>
    </message>
    <message>
        <source>{count} waiting, about {minutes} min</source>
        <translation>等候 {count} 人，约 {minutes} 分钟</translation>
    </message>
</context>
<context>
    <name>TakeFlow</name>
    <message>
        <source>ID card</source>
        <translation>居民身份证</translation>
    </message>
    <message>
        <source>social security card</source>
        <translation>社保卡</translation>
    </message>
    <message>
        <source>ID code or enterprise code</source>
        <translation>身份码或企业码</translation>
    </message>
    <message>
        <source>These are the materials and conditions of {service}.</source>
        <translation>以下是{service}所需的材料和办理条件。</translation>
    </message>
    <message>
        <source>Senior citizen first</source>
        <translation>老年人优先</translation>
    </message>
    <message>
        <source>{service}. {count} people are waiting. Tap the button to take the number.</source>
        <translation>{service}，前面有{count}人等候。请点击确认取号。</translation>
    </message>
    <message>
        <source>Printing your ticket…</source>
        <translation>正在打印号票……</translation>
    </message>
    <message>
        <source>Your number is {number}. Please wait for the call.</source>
        <translation>您的号码是{number}号，请留意叫号。</translation>
    </message>
    <message>
        <source>Your booked time {time} has passed, so this is a number in the queue without a booking.</source>
        <translation>您预约的 {time} 已过签到时间，本号为普通号，按现场排队顺序叫号。</translation>
    </message>
    <message>
        <source>The hall closes at {time}: you may not be served today.</source>
        <translation>大厅 {time} 下班，按目前等候人数今天可能办理不到。</translation>
    </message>
</context>
<context>
    <name>TicketPage</name>
    <message>
        <source>Your number</source>
        <translation>您的号码</translation>
    </message>
    <message>
        <source>Scan to follow the queue on your phone</source>
        <translation>手机扫码，随时查看排队进度</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>{service}
{priority} first</source>
        <translation>{service}
{priority}优先</translation>
    </message>
    <message>
        <source>Please wait for the call to a window of: {group}</source>
        <translation>请留意叫号，到{group}窗口办理</translation>
    </message>
    <message>
        <source>{count} people ahead of you</source>
        <translation>您前面还有 {count} 人</translation>
    </message>
    <message>
        <source>Taken at {time}</source>
        <translation>取号时间：{time}</translation>
    </message>
</context>
</TS>
