<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>RatingPad</name>
    <message>
        <source>Rating pad</source>
        <translation>窗口评价器</translation>
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
        <source>Long wait</source>
        <translation>等候太久</translation>
    </message>
    <message>
        <source>Attitude</source>
        <translation>服务态度</translation>
    </message>
    <message>
        <source>Unclear list</source>
        <translation>材料不清楚</translation>
    </message>
    <message>
        <source>Several trips</source>
        <translation>多次跑动</translation>
    </message>
    <message>
        <source>System fault</source>
        <translation>系统故障</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>When your matter is done, please rate our service here</source>
        <translation>办理结束后，请在此对本次服务进行评价</translation>
    </message>
    <message>
        <source>Please rate our service</source>
        <translation>请对本次服务进行评价</translation>
    </message>
    <message>
        <source>One tap: very satisfied</source>
        <translation>一键评价：非常满意</translation>
    </message>
    <message>
        <source>What went wrong? (choose any)</source>
        <translation>哪里做得不好？（可多选）</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交评价</translation>
    </message>
    <message>
        <source>Thank you for your rating</source>
        <translation>感谢您的评价</translation>
    </message>
    <message>
        <source>Your rating helps us serve you better</source>
        <translation>您的评价将帮助我们改进服务</translation>
    </message>
    <message>
        <source>Window %1</source>
        <translation>%1号窗口</translation>
    </message>
    <message>
        <source>Now serving %1</source>
        <translation>正在办理：%1号</translation>
    </message>
    <message>
        <source>Staff No. %1</source>
        <translation>工号：%1</translation>
    </message>
    <message>
        <source>This window is closed</source>
        <translation>本窗口暂停服务</translation>
    </message>
    <message>
        <source>Ticket %1</source>
        <translation>%1号</translation>
    </message>
</context>
</TS>
