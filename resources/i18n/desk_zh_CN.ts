<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AcceptancePanel</name>
    <message>
        <source>Matter</source>
        <translation>办理事项</translation>
    </message>
    <message>
        <source>All submitted</source>
        <translation>全部已提交</translation>
    </message>
    <message>
        <source>Material</source>
        <translation>材料</translation>
    </message>
    <message>
        <source>Handed in</source>
        <translation>提交情况</translation>
    </message>
    <message>
        <source>Supply by</source>
        <translation>补交期限</translation>
    </message>
    <message>
        <source>E-licence</source>
        <translation>电子证照</translation>
    </message>
    <message>
        <source>Promise</source>
        <translation>告知承诺</translation>
    </message>
    <message>
        <source>I promise to hand in the deferred materials by the dates above.</source>
        <translation>本人承诺在上述期限内补交容缺材料，逾期未补交的，自愿承担相应责任。</translation>
    </message>
    <message>
        <source>Assisted by staff</source>
        <translation>帮办代办</translation>
    </message>
    <message>
        <source>Accept and print receipt  F9</source>
        <translation>受理并打印回执  F9</translation>
    </message>
    <message>
        <source>Tell what is missing  F10</source>
        <translation>一次性告知  F10</translation>
    </message>
    <message>
        <source>Refuse  F11</source>
        <translation>不予受理  F11</translation>
    </message>
    <message>
        <source>This ticket already has case {case} ({matter}, {status})</source>
        <translation>此号已有办件 {case}（{matter}，{status}）</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>Deferred (容缺)</source>
        <translation>容缺后补</translation>
    </message>
    <message>
        <source>Exempt: e-licence</source>
        <translation>免提交（电子证照）</translation>
    </message>
    <message>
        <source>Not yet</source>
        <translation>未提交</translation>
    </message>
    <message>
        <source>{name} (if any)</source>
        <translation>{name}（如有）</translation>
    </message>
</context>
<context>
    <name>ApplicantPanel</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Tap the ID card, insert the social security card, or scan the identity or enterprise code.</source>
        <translation>请刷身份证、插社保卡，或扫描身份码、企业码，信息自动填入。</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>证件</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <source>Enterprise</source>
        <translation>单位名称</translation>
    </message>
    <message>
        <source>Credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source> (not verified)</source>
        <translation>（未核验）</translation>
    </message>
    <message>
        <source>{date} (age {age})</source>
        <translation>{date}（{age}岁）</translation>
    </message>
    <message>
        <source>, senior: priority and help</source>
        <translation>，老年人：优先办理</translation>
    </message>
    <message>
        <source>Long-term</source>
        <translation>长期</translation>
    </message>
    <message>
        <source>This card has expired. Ask for a valid document or a temporary ID before accepting.</source>
        <translation>证件已过有效期，请申请人出示有效证件或临时身份证明后再受理。</translation>
    </message>
    <message>
        <source>The code could not be verified online: a case needs a card read.</source>
        <translation>该码未能在线核验，受理办件需读取证件。</translation>
    </message>
</context>
<context>
    <name>BookingsPanel</name>
    <message>
        <source>Today&apos;s bookings</source>
        <translation>今日预约</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Matter</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Due soon</source>
        <translation>半小时内到</translation>
    </message>
    <message>
        <source>Check in the card read</source>
        <translation>为已读证件签到</translation>
    </message>
    <message>
        <source>Cancel the chosen booking</source>
        <translation>取消所选预约</translation>
    </message>
    <message>
        <source>Book the next visit for the card read</source>
        <translation>为已读证件预约下次办理</translation>
    </message>
    <message>
        <source>Book</source>
        <translation>预约</translation>
    </message>
    <message>
        <source>{start} ({free} left)</source>
        <translation>{start}（剩余 {free} 个）</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>已预约</translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation>已签到</translation>
    </message>
    <message>
        <source>Came late</source>
        <translation>迟到</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>未到</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>{n} booked, {due} due in the next half hour</source>
        <translation>共 {n} 个预约，{due} 个半小时内到</translation>
    </message>
</context>
<context>
    <name>Conflicts</name>
    <message>
        <source>now at window {window}</source>
        <translation>（现在{window}号窗口）</translation>
    </message>
    <message>
        <source>{time}: ticket {ticket} was called at two windows while one was offline {where}. Agree with the other window who serves it.</source>
        <translation>{time}：票号{ticket}在离线时被两个窗口叫号{where}。请与另一窗口确认由谁办理。</translation>
    </message>
    <message>
        <source>{time}: number {labels} was issued twice. Both are kept and both are called; the screen and the voice tell them apart.</source>
        <translation>{time}：票号{labels}被重复发放。两张都保留并都会叫号，叫号屏和语音会加以区分。</translation>
    </message>
    <message>
        <source>{time}: a record from another terminal could not be applied ({ticket}). Please tell the hall&apos;s IT.</source>
        <translation>{time}：其他终端的一条记录无法应用（{ticket}），请通知大厅技术人员。</translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <source>Conflicts found by sync</source>
        <translation>同步发现的冲突</translation>
    </message>
    <message>
        <source>No conflicts.</source>
        <translation>没有冲突。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>DeliveryPanel</name>
    <message>
        <source>Hand out a result</source>
        <translation>出件</translation>
    </message>
    <message>
        <source>Case number, or scan the receipt&apos;s QR code</source>
        <translation>输入办件编号，或扫描回执二维码</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>办件编号</translation>
    </message>
    <message>
        <source>Matter</source>
        <translation>办理事项</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Promised by</source>
        <translation>承诺办结</translation>
    </message>
    <message>
        <source>Still missing</source>
        <translation>待补材料</translation>
    </message>
    <message>
        <source>At the window</source>
        <translation>窗口领取</translation>
    </message>
    <message>
        <source>By mail (EMS)</source>
        <translation>邮寄（EMS）</translation>
    </message>
    <message>
        <source>EMS tracking number</source>
        <translation>EMS运单号</translation>
    </message>
    <message>
        <source>Hand in (补交)</source>
        <translation>补交</translation>
    </message>
    <message>
        <source>Deferred material</source>
        <translation>容缺材料</translation>
    </message>
    <message>
        <source>Mark completed</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Hand out</source>
        <translation>出件</translation>
    </message>
    <message>
        <source>, by mail {tracking}</source>
        <translation>，已邮寄 {tracking}</translation>
    </message>
    <message>
        <source>Find a case to complete or hand it out.</source>
        <translation>查找办件后可办结或出件。</translation>
    </message>
    <message>
        <source>Completing waits for the deferred materials: {m}. Record each with 补交 when it is handed in.</source>
        <translation>尚缺容缺材料：{m}，补交后才能办结。材料交来时逐项点“补交”。</translation>
    </message>
    <message>
        <source>Completing waits for the departments to decide their parts.</source>
        <translation>各部门审批完成后才能办结。</translation>
    </message>
    <message>
        <source>Mark it completed, then hand the result out.</source>
        <translation>可以办结，办结后出件。</translation>
    </message>
    <message>
        <source>Completed: hand the result out. At the window, read the card of the person collecting it first.</source>
        <translation>已办结，可以出件。窗口领取请先读取领取人的证件。</translation>
    </message>
    <message>
        <source>A refused case is neither completed nor handed out.</source>
        <translation>不予受理的办件无需办结或出件。</translation>
    </message>
    <message>
        <source>The result has been handed out.</source>
        <translation>已出件。</translation>
    </message>
    <message>
        <source>Ready to hand out</source>
        <translation>待出件</translation>
    </message>
    <message>
        <source>Parts</source>
        <translation>办理环节</translation>
    </message>
    <message>
        <source>Correction handed in</source>
        <translation>补正材料已收</translation>
    </message>
    <message>
        <source>Ready to hand out: {n}</source>
        <translation>待出件：{n}件</translation>
    </message>
    <message>
        <source>{done} of {total} decided</source>
        <translation>共{total}个环节，已决定{done}个</translation>
    </message>
</context>
<context>
    <name>DeskBookings</name>
    <message>
        <source>Read the applicant&apos;s card or code first.</source>
        <translation>请先读取申请人的证件或身份码。</translation>
    </message>
    <message>
        <source>The {time} booking is past its check-in window: number {number} is a walk-in&apos;s.</source>
        <translation>{time} 的预约已过签到时间：{number} 号按现场排队叫号。</translation>
    </message>
    <message>
        <source>Checked in for {time}: number {number}, called as booked.</source>
        <translation>已签到（{time} 的预约）：{number} 号按预约优先叫号。</translation>
    </message>
    <message>
        <source>The {time} booking is cancelled.</source>
        <translation>{time} 的预约已取消。</translation>
    </message>
    <message>
        <source>Booked: {day} {time}.</source>
        <translation>已预约：{day} {time}。</translation>
    </message>
</context>
<context>
    <name>DeskFollowUps</name>
    <message>
        <source>Assigned to {who}.</source>
        <translation>已指派给{who}。</translation>
    </message>
    <message>
        <source>Action recorded.</source>
        <translation>整改措施已记录。</translation>
    </message>
    <message>
        <source>Call back recorded.</source>
        <translation>回访结果已记录。</translation>
    </message>
    <message>
        <source>Follow-up closed.</source>
        <translation>整改已办结。</translation>
    </message>
</context>
<context>
    <name>DeskWindow</name>
    <message>
        <source>Comprehensive window</source>
        <translation>综合窗口</translation>
    </message>
    <message>
        <source>The desk locks in {s} seconds.</source>
        <translation>{s}秒后锁定窗口。</translation>
    </message>
    <message>
        <source> And {n} more: see Conflicts.</source>
        <translation>另有{n}个冲突，请点“冲突”查看。</translation>
    </message>
    <message>
        <source>This window holds no ticket: call one first.</source>
        <translation>本窗口当前没有票号，请先叫号。</translation>
    </message>
    <message>
        <source>{t} called again.</source>
        <translation>已重呼{t}。</translation>
    </message>
    <message>
        <source>{t}: no-show.</source>
        <translation>{t}已过号。</translation>
    </message>
    <message>
        <source>{t} parked.</source>
        <translation>{t}已暂停。</translation>
    </message>
    <message>
        <source>{t} done.</source>
        <translation>{t}已完成。</translation>
    </message>
    <message>
        <source>Serving {t}.</source>
        <translation>正在办理{t}。</translation>
    </message>
    <message>
        <source>{t}: the rating pad asks for a rating.</source>
        <translation>{t}：评价器已请群众评价。</translation>
    </message>
    <message>
        <source>{t} reached the recall limit: no-show.</source>
        <translation>{t}已达重呼上限，记为过号。</translation>
    </message>
    <message>
        <source>Called {t} while the hall server cannot be reached. If another window called it too, you will be told.</source>
        <translation>与服务器断开，已在本机叫号{t}。如其他窗口也叫了该号，将立即提示。</translation>
    </message>
    <message>
        <source>Calling {t}.</source>
        <translation>正在呼叫{t}。</translation>
    </message>
    <message>
        <source>{t} transferred.</source>
        <translation>{t}已转移。</translation>
    </message>
    <message>
        <source>{t} resumed.</source>
        <translation>{t}已恢复办理。</translation>
    </message>
    <message>
        <source>You took the help request at kiosk {kiosk}.</source>
        <translation>您已接单：自助终端{kiosk}的帮办请求。</translation>
    </message>
    <message>
        <source>The matters of window {window} are saved.</source>
        <translation>{window}号窗口的办理事项已保存。</translation>
    </message>
    <message>
        <source>Collector: {who}</source>
        <translation>领取人：{who}</translation>
    </message>
    <message>
        <source>Read the applicant&apos;s card or code first.</source>
        <translation>请先读取申请人的证件或身份码。</translation>
    </message>
    <message>
        <source>Some required materials are not handed in: print what is missing, or mark them deferred.</source>
        <translation>有必要材料未提交：请打印一次性告知书，或标为容缺。</translation>
    </message>
    <message>
        <source>Accepted: case {case}, promised by {date}.</source>
        <translation>已受理：办件编号{case}，承诺{date}前办结。</translation>
    </message>
    <message>
        <source> {n} deferred, under a signed promise.</source>
        <translation>容缺{n}项，已签告知承诺。</translation>
    </message>
    <message>
        <source>This ticket has a case</source>
        <translation>此号已有办件</translation>
    </message>
    <message>
        <source>This ticket already has case {case}. Accept another matter of the same visit?</source>
        <translation>此号已受理办件 {case}。是否作为同一次来访的另一事项再次受理？</translation>
    </message>
    <message>
        <source>Nothing is missing: every material is marked.</source>
        <translation>材料齐全，无需告知。</translation>
    </message>
    <message>
        <source>The notice of missing materials is printing.</source>
        <translation>正在打印一次性告知书。</translation>
    </message>
    <message>
        <source>Refused: case {case}; the notice with the reasons is printing.</source>
        <translation>不予受理：办件编号{case}，正在打印不予受理告知书。</translation>
    </message>
    <message>
        <source>The A4 printer is not available; the slip printer has the receipt.</source>
        <translation>A4打印机不可用，回执已由小票打印机打印。</translation>
    </message>
    <message>
        <source>{m} handed in.</source>
        <translation>{m} 已补交。</translation>
    </message>
    <message>
        <source>Completed.</source>
        <translation>已办结。</translation>
    </message>
    <message>
        <source>Read the card of the person collecting the result first (ID card, 社保卡 or code).</source>
        <translation>请先读取领取人的身份证、社保卡或身份码，再出件。</translation>
    </message>
    <message>
        <source>Handed out to {who}.</source>
        <translation>已交给 {who}。</translation>
    </message>
    <message>
        <source>Handed out.</source>
        <translation>已出件。</translation>
    </message>
    <message>
        <source>Sent by mail.</source>
        <translation>已邮寄。</translation>
    </message>
    <message>
        <source>Exported to {file}</source>
        <translation>已导出到{file}</translation>
    </message>
    <message>
        <source>Called {t} without the hall server, and no call screen can hear this desk: call the citizen by voice.</source>
        <translation>未经大厅服务器叫号{t}，且没有叫号屏能收到本窗口的叫号：请口头呼叫群众。</translation>
    </message>
    <message>
        <source>Hall settings sent: the hub signs them, then every terminal runs them.</source>
        <translation>大厅设置已提交：由大厅服务器签发后，全厅终端统一生效。</translation>
    </message>
    <message>
        <source>Accounts as this desk last heard them from the hall server, {minutes} minutes ago.</source>
        <translation>账号信息为本机 {minutes} 分钟前从大厅服务器获得。</translation>
    </message>
    <message>
        <source>Signed for.</source>
        <translation>已签收。</translation>
    </message>
    <message>
        <source>Approved.</source>
        <translation>已准予许可。</translation>
    </message>
    <message>
        <source>Not permitted: recorded with its reasons.</source>
        <translation>不予许可，理由已记录。</translation>
    </message>
    <message>
        <source>Correction asked: the window will tell the applicant.</source>
        <translation>已要求补正，将由窗口告知申请人。</translation>
    </message>
    <message>
        <source>Correction handed in: back with the department.</source>
        <translation>补正材料已收，已退回部门继续办理。</translation>
    </message>
    <message>
        <source>Completed; the notice of the parts not permitted is printing.</source>
        <translation>已办结，不予许可决定告知书正在打印。</translation>
    </message>
</context>
<context>
    <name>FiguresPanel</name>
    <message>
        <source>My figures today</source>
        <translation>我的今日数据</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出CSV</translation>
    </message>
    <message>
        <source>Export XLSX</source>
        <translation>导出XLSX</translation>
    </message>
    <message>
        <source>Matter or window</source>
        <translation>事项或窗口</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>取号</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>过号</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等候</translation>
    </message>
    <message>
        <source>Average wait</source>
        <translation>平均等候</translation>
    </message>
    <message>
        <source>Average service</source>
        <translation>平均办理</translation>
    </message>
    <message>
        <source>Window, clerk or department</source>
        <translation>窗口、工作人员或部门</translation>
    </message>
    <message>
        <source>Dept. {department}</source>
        <translation>部门：{department}</translation>
    </message>
    <message>
        <source>Ratings</source>
        <translation>评价数</translation>
    </message>
    <message>
        <source>Average grade</source>
        <translation>平均分</translation>
    </message>
    <message>
        <source>Poor</source>
        <translation>差评</translation>
    </message>
    <message>
        <source>Poor rate</source>
        <translation>差评率</translation>
    </message>
    <message>
        <source>Poor ratings to follow up</source>
        <translation>差评整改</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>票号</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>Follow up by</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Given at</source>
        <translation>评价时间</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口号</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <source>The hall&apos;s figures today</source>
        <translation>全厅今日数据</translation>
    </message>
    <message>
        <source>Issued {issued}, done {served}, no-show {no_show}, waiting {waiting}; average wait {wait}, average service {service}; rated {rated} times, {good} satisfied, {bad} poor.</source>
        <translation>取号{issued}，完成{served}，过号{no_show}，等候{waiting}；平均等候{wait}，平均办理{service}；评价{rated}次，满意{good}，差评{bad}。</translation>
    </message>
    <message>
        <source>All</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Window {window}</source>
        <translation>{window}号窗口</translation>
    </message>
    <message>
        <source>Poor ratings to follow up: {opened} opened, {closed} closed ({on_time} on time), {overdue} overdue</source>
        <translation>差评整改：新增 {opened} 件，办结 {closed} 件（按期 {on_time} 件），逾期 {overdue} 件</translation>
    </message>
</context>
<context>
    <name>FollowUpsPanel</name>
    <message>
        <source>Poor ratings to follow up</source>
        <translation>差评整改</translation>
    </message>
    <message>
        <source>Open only</source>
        <translation>只看未办结</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>票号</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>Window · clerk</source>
        <translation>窗口 · 工作人员</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Working days left</source>
        <translation>剩余工作日</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Choose a follow-up above.</source>
        <translation>请在上方选择一条差评。</translation>
    </message>
    <message>
        <source>An account or a department, e.g. 市公安局</source>
        <translation>账号或部门，如 市公安局</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>指派</translation>
    </message>
    <message>
        <source>Assign to</source>
        <translation>指派给</translation>
    </message>
    <message>
        <source>The rectification taken (整改措施)</source>
        <translation>已采取的整改措施</translation>
    </message>
    <message>
        <source>Record action</source>
        <translation>记录整改</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>整改措施</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <source>Unsatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <source>What the citizen said on the call back</source>
        <translation>回访时群众的意见</translation>
    </message>
    <message>
        <source>Record call back</source>
        <translation>记录回访</translation>
    </message>
    <message>
        <source>Call back</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Close follow-up</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Supervisors</source>
        <translation>值班主管</translation>
    </message>
    <message>
        <source>Poor ratings to follow up: {open} open, {overdue} overdue</source>
        <translation>差评整改：未办结 {open} 条，逾期 {overdue} 条</translation>
    </message>
    <message>
        <source>No poor ratings to follow up.</source>
        <translation>没有需要整改的差评。</translation>
    </message>
    <message>
        <source>Ticket {ticket}, rated {grade}, window {window}, clerk {clerk}; due {due} ({days}); {state}</source>
        <translation>票号 {ticket}，评价 {grade}，窗口 {window}，工作人员 {clerk}；整改期限 {due}（{days}）；{state}</translation>
    </message>
    <message>
        <source>Assigned to {who}</source>
        <translation>责任人：{who}</translation>
    </message>
    <message>
        <source>Action: {text}</source>
        <translation>整改措施：{text}</translation>
    </message>
    <message>
        <source>Call back: {result}, {note}</source>
        <translation>回访：{result}，{note}</translation>
    </message>
    <message>
        <source>satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <source>unsatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <source>Hall admin</source>
        <translation>大厅管理员</translation>
    </message>
    <message>
        <source>1 Very dissatisfied</source>
        <translation>1 非常不满意</translation>
    </message>
    <message>
        <source>2 Dissatisfied</source>
        <translation>2 不满意</translation>
    </message>
    <message>
        <source>{n} working days overdue</source>
        <translation>逾期 {n} 个工作日</translation>
    </message>
    <message>
        <source>due today</source>
        <translation>今日到期</translation>
    </message>
    <message>
        <source>{n} working days left</source>
        <translation>剩余 {n} 个工作日</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待指派</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>已指派</translation>
    </message>
    <message>
        <source>Acted on</source>
        <translation>已整改</translation>
    </message>
    <message>
        <source>Called back</source>
        <translation>已回访</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>, escalated</source>
        <translation>，已上报</translation>
    </message>
    <message>
        <source>Type the account or department first.</source>
        <translation>请先填写账号或部门。</translation>
    </message>
    <message>
        <source>Write the action taken first.</source>
        <translation>请先填写整改措施。</translation>
    </message>
    <message>
        <source>Write what the citizen said first.</source>
        <translation>请先填写回访意见。</translation>
    </message>
</context>
<context>
    <name>HallSettingsDialog</name>
    <message>
        <source>Hall settings</source>
        <translation>大厅设置</translation>
    </message>
    <message>
        <source>Version {version}, signed by {signer}</source>
        <translation>版本 {version}，签发：{signer}</translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation>尚无</translation>
    </message>
    <message>
        <source>No hall settings heard from the hub yet.</source>
        <translation>尚未收到大厅服务器签发的设置。</translation>
    </message>
    <message>
        <source>Hall name</source>
        <translation>大厅名称</translation>
    </message>
    <message>
        <source>Notices (one a line)</source>
        <translation>公告（每行一条）</translation>
    </message>
    <message>
        <source>Elder age</source>
        <translation>老年人年龄</translation>
    </message>
    <message>
        <source>Kiosk idle seconds</source>
        <translation>自助终端无操作返回（秒）</translation>
    </message>
    <message>
        <source>Opening hours</source>
        <translation>办公时间</translation>
    </message>
    <message>
        <source>The hub signs the change; every terminal of the hall then runs it.</source>
        <translation>修改由大厅服务器签发，全厅终端随后统一生效。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
</context>
<context>
    <name>LockPage</name>
    <message>
        <source>The desk is locked</source>
        <translation>窗口已锁定</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Sign in as someone else</source>
        <translation>换人登录</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>{user} at window {window}: enter your password to go on.</source>
        <translation>{window}号窗口 {user}：请输入密码继续办理。</translation>
    </message>
</context>
<context>
    <name>Names</name>
    <message>
        <source>Waiting</source>
        <translation>等候</translation>
    </message>
    <message>
        <source>Called</source>
        <translation>已叫号</translation>
    </message>
    <message>
        <source>Being served</source>
        <translation>办理中</translation>
    </message>
    <message>
        <source>Parked</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>过号</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Regular</source>
        <translation>普通</translation>
    </message>
    <message>
        <source>Senior</source>
        <translation>老年人</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>残疾人</translation>
    </message>
    <message>
        <source>Military or fire service</source>
        <translation>军人/消防</translation>
    </message>
    <message>
        <source>Pregnant or with infant</source>
        <translation>孕妇及携婴</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>预约</translation>
    </message>
    <message>
        <source>Senior needs help</source>
        <translation>老年人需要帮办</translation>
    </message>
    <message>
        <source>Person with a disability needs help</source>
        <translation>残疾人需要帮办</translation>
    </message>
    <message>
        <source>Pregnant woman needs help</source>
        <translation>孕妇需要帮办</translation>
    </message>
    <message>
        <source>Someone needs help</source>
        <translation>群众需要帮办</translation>
    </message>
    <message>
        <source>ID card</source>
        <translation>居民身份证</translation>
    </message>
    <message>
        <source>Social security card</source>
        <translation>社会保障卡</translation>
    </message>
    <message>
        <source>Identity code</source>
        <translation>身份码</translation>
    </message>
    <message>
        <source>Enterprise code</source>
        <translation>企业码</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <source>Completed, ready to hand out</source>
        <translation>已办结，待出件</translation>
    </message>
    <message>
        <source>Handed out</source>
        <translation>已出件</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>值班主任</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Not permitted, notice to hand out</source>
        <translation>不予许可，待领取告知书</translation>
    </message>
    <message>
        <source>To sign for</source>
        <translation>待签收</translation>
    </message>
    <message>
        <source>Signed for</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>准予许可</translation>
    </message>
    <message>
        <source>Not permitted</source>
        <translation>不予许可</translation>
    </message>
    <message>
        <source>Correction owed</source>
        <translation>待补正</translation>
    </message>
    <message>
        <source>Correction handed in</source>
        <translation>补正已收</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <source>Now at this window</source>
        <translation>本窗口当前</translation>
    </message>
    <message>
        <source>No ticket. Press Call next.</source>
        <translation>当前无票号，请按“叫号”。</translation>
    </message>
    <message>
        <source>Call next</source>
        <translation>叫号</translation>
    </message>
    <message>
        <source>Call again</source>
        <translation>重呼</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>过号</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>转移</translation>
    </message>
    <message>
        <source>Park</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Start serving</source>
        <translation>开始办理</translation>
    </message>
    <message>
        <source>Ask for a rating</source>
        <translation>请评价</translation>
    </message>
    <message>
        <source>called {n} times</source>
        <translation>已呼叫{n}次</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等候</translation>
    </message>
    <message>
        <source>Nobody is waiting.</source>
        <translation>无人等候。</translation>
    </message>
    <message>
        <source>{n} waiting</source>
        <translation>{n}人等候</translation>
    </message>
    <message>
        <source>Next in line</source>
        <translation>待叫号</translation>
    </message>
    <message>
        <source>No ticket for this window.</source>
        <translation>本窗口暂无待叫号。</translation>
    </message>
    <message>
        <source>Parked at this window</source>
        <translation>本窗口暂停的票号</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Help requests from kiosks</source>
        <translation>帮办请求</translation>
    </message>
    <message>
        <source>{what}, kiosk {kiosk}, {time}</source>
        <translation>{what}，自助终端{kiosk}，{time}</translation>
    </message>
    <message>
        <source>I&apos;ll go</source>
        <translation>接单</translation>
    </message>
    <message>
        <source>Possibly incomplete: {why}</source>
        <translation>可能不完整: {why}</translation>
    </message>
    <message>
        <source>cannot reach {who}; tickets issued there may be missing</source>
        <translation>无法联系 {who}，在那里取的号可能未显示</translation>
    </message>
    <message>
        <source>the hall server cannot be reached and no other terminal is known; only this desk&apos;s tickets are shown</source>
        <translation>无法连接大厅服务器，也不知道其他终端，只显示本机所知的号码</translation>
    </message>
</context>
<context>
    <name>RefuseDialog</name>
    <message>
        <source>Refuse: {matter}</source>
        <translation>不予受理：{matter}</translation>
    </message>
    <message>
        <source>Choose or write the reasons; they are printed on the refusal notice.</source>
        <translation>请选择或填写理由，理由将打印在不予受理告知书上。</translation>
    </message>
    <message>
        <source>Choose a common reason…</source>
        <translation>选择常用理由…</translation>
    </message>
    <message>
        <source>The matter is not handled at this hall.</source>
        <translation>该事项不属于本中心受理范围。</translation>
    </message>
    <message>
        <source>The applicant does not meet the conditions of the matter.</source>
        <translation>申请人不符合该事项的受理条件。</translation>
    </message>
    <message>
        <source>A main material is missing and cannot be deferred.</source>
        <translation>缺少主要申请材料，且不可容缺。</translation>
    </message>
    <message>
        <source>The materials do not match the statutory form.</source>
        <translation>申请材料不符合法定形式。</translation>
    </message>
    <message>
        <source>One reason per line</source>
        <translation>每行一条理由</translation>
    </message>
    <message>
        <source>Refuse and print notice</source>
        <translation>不予受理并打印告知书</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Sign in to the window</source>
        <translation>窗口登录</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口号</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>Transfer {ticket}</source>
        <translation>转移{ticket}</translation>
    </message>
    <message>
        <source>The ticket keeps its place in line.</source>
        <translation>转移后保留原排队顺序。</translation>
    </message>
    <message>
        <source>To another matter</source>
        <translation>转到其他事项</translation>
    </message>
    <message>
        <source>To another window</source>
        <translation>转到其他窗口</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>转移</translation>
    </message>
</context>
<context>
    <name>WindowServicesDialog</name>
    <message>
        <source>Matters of window {window}</source>
        <translation>{window}号窗口办理事项</translation>
    </message>
    <message>
        <source>Only a supervisor can change the matters a window serves.</source>
        <translation>窗口的办理事项只能由值班主任修改。</translation>
    </message>
    <message>
        <source>This window serves every matter.</source>
        <translation>本窗口办理全部事项。</translation>
    </message>
    <message>
        <source>Every matter</source>
        <translation>全部事项</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>WorkPage</name>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Applicant and acceptance</source>
        <translation>申请人与受理</translation>
    </message>
    <message>
        <source>Hand out results</source>
        <translation>出件</translation>
    </message>
    <message>
        <source>Today&apos;s figures</source>
        <translation>今日数据</translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation>预约</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>差评整改</translation>
    </message>
    <message>
        <source>{hall} · Window {window}</source>
        <translation>{hall} · {window}号窗口</translation>
    </message>
    <message>
        <source>Matters: all</source>
        <translation>办理事项：全部</translation>
    </message>
    <message>
        <source>Matters: {n}</source>
        <translation>办理事项：{n}项</translation>
    </message>
    <message>
        <source>Stand-alone</source>
        <translation>单机</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Online, {n} to send</source>
        <translation>在线，待上传{n}条</translation>
    </message>
    <message>
        <source>Offline: {n} to send</source>
        <translation>离线：待上传{n}条</translation>
    </message>
    <message>
        <source>{n} conflicts</source>
        <translation>{n}个冲突</translation>
    </message>
    <message>
        <source>Hall settings</source>
        <translation>大厅设置</translation>
    </message>
</context>
<context>
    <name>WorkbenchPage</name>
    <message>
        <source>Sign out</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>To decide</source>
        <translation>待审批</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>承诺时限</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>办件编号</translation>
    </message>
    <message>
        <source>Matter</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Reasons (不予许可) or what to correct (补正)</source>
        <translation>不予许可的理由，或需补正的内容</translation>
    </message>
    <message>
        <source>Sign for</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>准予许可</translation>
    </message>
    <message>
        <source>Not permitted</source>
        <translation>不予许可</translation>
    </message>
    <message>
        <source>Ask for correction</source>
        <translation>要求补正</translation>
    </message>
    <message>
        <source>{date} overdue</source>
        <translation>{date} 已逾期</translation>
    </message>
    <message>
        <source>{date} due soon</source>
        <translation>{date} 即将到期</translation>
    </message>
    <message>
        <source>To decide: {n}</source>
        <translation>待审批：{n}件</translation>
    </message>
    <message>
        <source>Nothing to decide.</source>
        <translation>暂无待审批事项。</translation>
    </message>
    <message>
        <source> (deferred, due {date})</source>
        <translation>（容缺，{date}前补交）</translation>
    </message>
    <message>
        <source>{service} · {applicant}
Materials: {materials}
Parts: {parts}</source>
        <translation>{service} · {applicant}
材料：{materials}
环节：{parts}</translation>
    </message>
    <message>
        <source>Type the reasons or what to correct in the note line first.</source>
        <translation>请先在意见栏填写理由或需补正的内容。</translation>
    </message>
</context>
<context>
    <name>_Dialog</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
</TS>
