<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SamplePage</name>
    <message>
        <source>Take a number</source>
        <translation>取号</translation>
    </message>
    <message>
        <source>Welcome to the government service hall</source>
        <translation>欢迎来到政务服务大厅</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Tap your ID card or choose a service</source>
        <translation>请刷身份证，或选择要办的事</translation>
    </message>
    <message>
        <source>Ask for help</source>
        <translation>请求帮办</translation>
    </message>
    <message>
        <source>Offline: your number is still valid</source>
        <translation>离线，号码照常有效</translation>
    </message>
    <message>
        <source>Standard text</source>
        <translation>标准字体</translation>
    </message>
    <message>
        <source>Larger text</source>
        <translation>大字模式</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>This could not be done (error code {code}). Please ask the hall staff for help.</source>
        <translation>操作未能完成（错误代码 {code}），请联系大厅工作人员。</translation>
    </message>
    <message>
        <source>Something went wrong inside the program. Please try again or ask the hall staff.</source>
        <translation>程序内部出错，请重试或联系大厅工作人员。</translation>
    </message>
    <message>
        <source>The program is shutting down; this was not done.</source>
        <translation>程序正在关闭，本次操作未执行。</translation>
    </message>
    <message>
        <source>This could not be done. Please try again.</source>
        <translation>操作未能完成，请重试。</translation>
    </message>
    <message>
        <source>This is not possible right now.</source>
        <translation>当前无法办理此操作。</translation>
    </message>
    <message>
        <source>This service is not offered here.</source>
        <translation>本大厅不办理此项业务。</translation>
    </message>
    <message>
        <source>This priority is not known.</source>
        <translation>无法识别的优先类别。</translation>
    </message>
    <message>
        <source>An appointment ticket needs the time of the appointment.</source>
        <translation>预约号需要预约时间。</translation>
    </message>
    <message>
        <source>Nobody is waiting for this window.</source>
        <translation>本窗口当前没有等候的号码。</translation>
    </message>
    <message>
        <source>This ticket has no window to go back to. Choose a window.</source>
        <translation>该号码没有可返回的窗口，请选择窗口。</translation>
    </message>
    <message>
        <source>Choose a service or a window to transfer to.</source>
        <translation>请选择要转移到的业务或窗口。</translation>
    </message>
    <message>
        <source>This window is still serving a ticket. Finish, park or transfer it first.</source>
        <translation>本窗口还有正在办理的号码，请先完成、挂起或转移。</translation>
    </message>
    <message>
        <source>The ticket holder could not be recorded.</source>
        <translation>无法记录取号人信息。</translation>
    </message>
    <message>
        <source>This ticket number was not found.</source>
        <translation>找不到这个号码。</translation>
    </message>
    <message>
        <source>This step is not possible in the current state.</source>
        <translation>当前状态下不能进行这一步。</translation>
    </message>
    <message>
        <source>This visit has not been served yet, so it cannot be rated.</source>
        <translation>这次办事还没有办理，暂时不能评价。</translation>
    </message>
    <message>
        <source>This visit has already been rated. Thank you.</source>
        <translation>这次办事已经评价过了，谢谢您。</translation>
    </message>
    <message>
        <source>Please choose one of the five ratings.</source>
        <translation>请从五个评价等级中选择一个。</translation>
    </message>
    <message>
        <source>Please choose the reasons from the list.</source>
        <translation>请从列表中选择原因。</translation>
    </message>
    <message>
        <source>This visit was served at another window: rate it on that window&apos;s pad.</source>
        <translation>本次服务不是在本窗口办理的，请在办理窗口的评价器上评价。</translation>
    </message>
    <message>
        <source>A rating can be asked only for the ticket this window is serving.</source>
        <translation>只能请本窗口正在办理的群众评价。</translation>
    </message>
    <message>
        <source>This follow-up was not found.</source>
        <translation>未找到该整改单。</translation>
    </message>
    <message>
        <source>Assign the follow-up to an account or a department of this hall.</source>
        <translation>请将整改单指派给本大厅的工作人员或部门。</translation>
    </message>
    <message>
        <source>The call-back result is satisfied or unsatisfied.</source>
        <translation>回访结果只能是满意或不满意。</translation>
    </message>
    <message>
        <source>Record the corrective action and the call-back first, then close it.</source>
        <translation>请先登记整改措施和回访结果，再办结整改单。</translation>
    </message>
    <message>
        <source>This follow-up is already closed.</source>
        <translation>该整改单已办结。</translation>
    </message>
    <message>
        <source>This rating&apos;s visit has no case part to redo.</source>
        <translation>该评价对应的办件没有可重办的事项。</translation>
    </message>
    <message>
        <source>Please write what was done.</source>
        <translation>请填写具体内容。</translation>
    </message>
    <message>
        <source>The comment is too long. Please shorten it.</source>
        <translation>意见内容太长，请简短一些。</translation>
    </message>
    <message>
        <source>No case with this number was found.</source>
        <translation>找不到这个办件编号。</translation>
    </message>
    <message>
        <source>This material is not on the list of this matter.</source>
        <translation>该材料不在本事项的材料清单中。</translation>
    </message>
    <message>
        <source>A required material is still missing.</source>
        <translation>还缺少必需的材料。</translation>
    </message>
    <message>
        <source>This main material cannot be handed in later.</source>
        <translation>该主要材料不能容缺后补。</translation>
    </message>
    <message>
        <source>Handing in later needs a signed promise and a due date.</source>
        <translation>容缺后补需要签署承诺并注明补交期限。</translation>
    </message>
    <message>
        <source>No electronic licence covers this material; it must be handed in.</source>
        <translation>该材料没有可用的电子证照，需要提交。</translation>
    </message>
    <message>
        <source>Accepting a case needs a verified identity: read the ID card or a verified code.</source>
        <translation>受理需要核验身份：请读取身份证或经核验的身份码。</translation>
    </message>
    <message>
        <source>Please give at least one reason.</source>
        <translation>请至少填写一条理由。</translation>
    </message>
    <message>
        <source>Materials promised for later are still outstanding.</source>
        <translation>容缺后补的材料尚未补齐。</translation>
    </message>
    <message>
        <source>This material is not outstanding on the case.</source>
        <translation>该办件没有待补的这项材料。</translation>
    </message>
    <message>
        <source>This case holds no personal data.</source>
        <translation>该办件没有个人信息。</translation>
    </message>
    <message>
        <source>You are not allowed to do this.</source>
        <translation>您没有进行此操作的权限。</translation>
    </message>
    <message>
        <source>This role is not known.</source>
        <translation>无法识别的角色。</translation>
    </message>
    <message>
        <source>A user name is 1 to 32 letters or digits.</source>
        <translation>用户名为 1 至 32 位字母或数字。</translation>
    </message>
    <message>
        <source>The first account must be an administrator.</source>
        <translation>第一个账号必须是管理员。</translation>
    </message>
    <message>
        <source>This user name is already taken.</source>
        <translation>该用户名已被使用。</translation>
    </message>
    <message>
        <source>This user was not found.</source>
        <translation>找不到该用户。</translation>
    </message>
    <message>
        <source>This password or PIN is too simple.</source>
        <translation>密码或 PIN 码过于简单。</translation>
    </message>
    <message>
        <source>Too many wrong tries. Please try again later.</source>
        <translation>错误次数过多，请稍后再试。</translation>
    </message>
    <message>
        <source>Wrong user name, password or PIN.</source>
        <translation>用户名、密码或 PIN 码错误。</translation>
    </message>
    <message>
        <source>This code cannot be used. Please show the right code.</source>
        <translation>此码无法使用，请出示正确的码。</translation>
    </message>
    <message>
        <source>This code cannot be read. Please show it again.</source>
        <translation>无法识别此码，请重新出示。</translation>
    </message>
    <message>
        <source>This is not the right kind of code. Please show the right code.</source>
        <translation>此码类型不符，请出示正确的码。</translation>
    </message>
    <message>
        <source>This code has expired. Please refresh it and show it again.</source>
        <translation>此码已过期，请刷新后重新出示。</translation>
    </message>
    <message>
        <source>This code is not valid now. Please refresh it and show it again.</source>
        <translation>此码当前无效，请刷新后重新出示。</translation>
    </message>
    <message>
        <source>Only part of the code was read. Please show it again.</source>
        <translation>此码读取不完整，请重新出示。</translation>
    </message>
    <message>
        <source>This code cannot be verified. Please refresh it and show it again.</source>
        <translation>此码无法验证，请刷新后重新出示。</translation>
    </message>
    <message>
        <source>The platform did not accept this code.</source>
        <translation>平台未通过此码的核验。</translation>
    </message>
    <message>
        <source>This code is not recognised. Please show it again.</source>
        <translation>无法识别此码，请重新出示。</translation>
    </message>
    <message>
        <source>This kind of code is not accepted here.</source>
        <translation>本机不受理这种码。</translation>
    </message>
    <message>
        <source>This code has already been used. Please refresh it.</source>
        <translation>此码已使用过，请刷新后再出示。</translation>
    </message>
    <message>
        <source>Codes cannot be checked right now. Please use your ID card.</source>
        <translation>暂时无法核验此码，请使用身份证。</translation>
    </message>
    <message>
        <source>A device is not working. Other ways still work.</source>
        <translation>有设备工作不正常，其他方式仍可使用。</translation>
    </message>
    <message>
        <source>A device is not connected. Other ways still work.</source>
        <translation>有设备未连接，其他方式仍可使用。</translation>
    </message>
    <message>
        <source>A device did not answer. Please try again.</source>
        <translation>设备没有响应，请重试。</translation>
    </message>
    <message>
        <source>The device settings of this terminal are wrong. Please tell the hall staff.</source>
        <translation>本机的设备设置有误，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The card could not be read. Please place it again and hold it still.</source>
        <translation>读卡失败，请重新放卡并保持不动。</translation>
    </message>
    <message>
        <source>No card found. Please place your card on the reader.</source>
        <translation>未检测到卡片，请把卡放在读卡区。</translation>
    </message>
    <message>
        <source>This card is blocked and cannot be used.</source>
        <translation>此卡已锁定，不能使用。</translation>
    </message>
    <message>
        <source>This card has expired.</source>
        <translation>此卡已过有效期。</translation>
    </message>
    <message>
        <source>The photo on the card cannot be shown on this terminal.</source>
        <translation>本机无法显示证件照片。</translation>
    </message>
    <message>
        <source>The code could not be read. Please scan it again.</source>
        <translation>扫码失败，请重新扫码。</translation>
    </message>
    <message>
        <source>The printer is not working. Your number is shown on the screen.</source>
        <translation>打印机故障，您的号码已显示在屏幕上。</translation>
    </message>
    <message>
        <source>The printer is not connected. Your number is shown on the screen.</source>
        <translation>打印机未连接，您的号码已显示在屏幕上。</translation>
    </message>
    <message>
        <source>The printer setting of this terminal is wrong. Please tell the hall staff.</source>
        <translation>本机的打印机设置有误，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The printer is out of paper. Your number is shown on the screen.</source>
        <translation>打印机缺纸，您的号码已显示在屏幕上。</translation>
    </message>
    <message>
        <source>Voice announcements are not available on this terminal.</source>
        <translation>本机暂不能语音播报。</translation>
    </message>
    <message>
        <source>The announcement could not be spoken.</source>
        <translation>语音播报失败。</translation>
    </message>
    <message>
        <source>The voice settings of this terminal are wrong. Please tell the hall staff.</source>
        <translation>本机的语音设置有误，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>Voice announcements have stopped.</source>
        <translation>语音播报已停止。</translation>
    </message>
    <message>
        <source>The data of this terminal cannot be read or written. Please tell the hall staff.</source>
        <translation>本机数据无法读写，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The terminal is busy. Please try again in a moment.</source>
        <translation>本机正忙，请稍后再试。</translation>
    </message>
    <message>
        <source>The disk of this terminal is full; nothing was saved. Please tell the hall staff.</source>
        <translation>本机磁盘已满，未保存任何内容，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The data of this terminal is damaged. Please tell the hall staff.</source>
        <translation>本机数据已损坏，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>This terminal&apos;s data belongs to another terminal. Please tell the hall staff.</source>
        <translation>本机数据属于另一台终端，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The key of this terminal&apos;s data is missing or wrong. Please tell the hall staff.</source>
        <translation>本机数据密钥缺失或不符，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>This terminal&apos;s data is not encrypted. Please tell the hall staff.</source>
        <translation>本机数据未加密，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>This terminal&apos;s data is already encrypted.</source>
        <translation>本机数据已经加密。</translation>
    </message>
    <message>
        <source>A key change is already running.</source>
        <translation>密钥更换正在进行中。</translation>
    </message>
    <message>
        <source>Protected personal data cannot be opened here.</source>
        <translation>本机无法打开受保护的个人信息。</translation>
    </message>
    <message>
        <source>This terminal lacks the key to open protected data.</source>
        <translation>本机缺少打开受保护数据的密钥。</translation>
    </message>
    <message>
        <source>Protected data is damaged or belongs to another hall.</source>
        <translation>受保护数据已损坏或属于其他大厅。</translation>
    </message>
    <message>
        <source>The service catalog of this terminal is damaged. Please tell the hall staff.</source>
        <translation>本机的事项目录已损坏，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>This terminal&apos;s settings are wrong. Please tell the hall staff.</source>
        <translation>本机设置有误，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>This terminal is not set up yet. Please tell the hall staff.</source>
        <translation>本机尚未完成设置，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The hall server cannot be reached. Work continues offline.</source>
        <translation>连不上大厅服务器，本机离线继续工作。</translation>
    </message>
    <message>
        <source>The hall server did not accept this terminal. Please tell the hall staff.</source>
        <translation>大厅服务器拒绝了本机，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>This terminal is not enrolled with the hall server. Please tell the hall staff.</source>
        <translation>本机尚未在大厅服务器注册，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The terminal is catching up with the hall server.</source>
        <translation>本机正在与大厅服务器同步。</translation>
    </message>
    <message>
        <source>The hall server gave an answer this terminal does not understand.</source>
        <translation>大厅服务器的应答本机无法识别。</translation>
    </message>
    <message>
        <source>The connection to the hall server is not secure and was refused.</source>
        <translation>与大厅服务器的连接不安全，已拒绝。</translation>
    </message>
    <message>
        <source>The hall server address is wrong. Please tell the hall staff.</source>
        <translation>大厅服务器地址有误，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The hall certificate is missing. Please tell the hall staff.</source>
        <translation>缺少大厅证书，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The certificate settings are wrong. Please tell the hall staff.</source>
        <translation>证书设置有误，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The hall certificate is damaged. Please tell the hall staff.</source>
        <translation>大厅证书已损坏，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The hall keys from the server are damaged. Please tell the hall staff.</source>
        <translation>服务器下发的大厅密钥已损坏，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The data of this terminal is missing. Please tell the hall staff.</source>
        <translation>本机数据丢失，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The data of this terminal was found damaged; nothing more is saved. Please tell the hall staff.</source>
        <translation>本机数据已发现损坏，已停止保存，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The data of this terminal cannot be written. Please tell the hall staff.</source>
        <translation>本机数据无法写入，请告知大厅工作人员。</translation>
    </message>
    <message>
        <source>The data is damaged and cannot be rebuilt. Restore it from a backup.</source>
        <translation>数据已损坏，无法重建，请从备份恢复。</translation>
    </message>
    <message>
        <source>Records are missing from the log; nothing was rebuilt. Restore it from a backup.</source>
        <translation>日志中缺少记录，未做重建，请从备份恢复。</translation>
    </message>
    <message>
        <source>A rebuild would lose records; nothing was changed. Restore from a backup.</source>
        <translation>重建会丢失记录，未做任何更改，请从备份恢复。</translation>
    </message>
    <message>
        <source>The hub address is not valid.</source>
        <translation>中心服务器地址无效。</translation>
    </message>
    <message>
        <source>This hub serves another hall.</source>
        <translation>该中心服务器服务于其他大厅。</translation>
    </message>
    <message>
        <source>Only the central platform runs as several processes; a hub runs as one.</source>
        <translation>只有省级中心平台可以多进程运行；大厅中心服务器只能单进程运行。</translation>
    </message>
    <message>
        <source>Several server processes need a PostgreSQL database.</source>
        <translation>多个服务器进程需要共用的数据库服务器，不能使用本机的文件数据库。</translation>
    </message>
    <message>
        <source>The folder for the backup does not exist (is the USB stick plugged in?). Nothing was written.</source>
        <translation>备份要存放的文件夹不存在（U盘是否已插好？），没有写入任何内容。</translation>
    </message>
    <message>
        <source>The saved list of halls and departments is damaged. Fetch it again from the platform.</source>
        <translation>本机保存的大厅和部门名录已损坏，请重新从平台获取。</translation>
    </message>
    <message>
        <source>The database server does not answer. Check that it is running and reachable.</source>
        <translation>数据库服务器没有响应，请检查它是否已启动、网络是否连通。</translation>
    </message>
    <message>
        <source>The database address is not one the server can use.</source>
        <translation>数据库地址写法不正确，服务器无法使用。</translation>
    </message>
    <message>
        <source>The server's database file cannot be opened.</source>
        <translation>服务器的数据库文件无法打开。</translation>
    </message>
    <message>
        <source>Another server is already running on this data folder. Stop it first.</source>
        <translation>这个数据目录已经有一个服务器在运行，请先停止它。</translation>
    </message>
    <message>
        <source>This port is already used by another program. Stop it or choose another port.</source>
        <translation>这个端口已被其他程序占用，请停止那个程序或换一个端口。</translation>
    </message>
    <message>
        <source>This address does not belong to this computer.</source>
        <translation>这个地址不属于本机。</translation>
    </message>
    <message>
        <source>A connection pool size is only for a PostgreSQL database.</source>
        <translation>连接池大小只适用于数据库服务器，本机的文件数据库不需要设置。</translation>
    </message>
    <message>
        <source>An appointment number is only for a time of today.</source>
        <translation>预约号仅限当天的预约时段。</translation>
    </message>
    <message>
        <source>A window name is 1 to 16 letters or digits.</source>
        <translation>窗口名称须为1至16个字母或数字。</translation>
    </message>
    <message>
        <source>The retention period is out of range.</source>
        <translation>保留期限超出允许范围。</translation>
    </message>
    <message>
        <source>A date in the checklist is not a valid date.</source>
        <translation>材料清单中的日期无效。</translation>
    </message>
    <message>
        <source>The date to supply a deferred material is already past.</source>
        <translation>容缺材料的补交日期已过。</translation>
    </message>
    <message>
        <source>The appointment time has already passed.</source>
        <translation>预约时间已过。</translation>
    </message>
    <message>
        <source>There is no appointment today for this card. Please take a regular number.</source>
        <translation>该证件今天没有预约，请按普通号取号。</translation>
    </message>
    <message>
        <source>This appointment was not found.</source>
        <translation>未找到该预约。</translation>
    </message>
    <message>
        <source>There is no bookable time at that hour. Please choose another time.</source>
        <translation>该时段不可预约，请选择其他时间。</translation>
    </message>
    <message>
        <source>The appointment day or time is not valid.</source>
        <translation>预约的日期或时间无效。</translation>
    </message>
    <message>
        <source>The time is not valid (HH:MM).</source>
        <translation>时间格式无效（时:分）。</translation>
    </message>
    <message>
        <source>That time is fully booked. Please choose another time.</source>
        <translation>该时段已约满，请选择其他时间。</translation>
    </message>
    <message>
        <source>This card already holds that appointment.</source>
        <translation>此证件已预约该时段。</translation>
    </message>
    <message>
        <source>This appointment can no longer be changed.</source>
        <translation>此预约已不能更改。</translation>
    </message>
    <message>
        <source>It is too early to check in. Please come back a little before your appointment.</source>
        <translation>现在签到还早，请在预约时间前不久再来。</translation>
    </message>
    <message>
        <source>The hall server cannot be reached now, and this terminal has no seat of its own left for that time. Please try again later.</source>
        <translation>暂时无法连接大厅服务器，本终端在该时段已无可预约名额，请稍后再试。</translation>
    </message>
    <message>
        <source>This hall cannot take online bookings yet: its key is not registered with the platform.</source>
        <translation>该大厅尚未在平台登记密钥，暂不能网上预约。</translation>
    </message>
    <message>
        <source>The hall&apos;s public key is not valid.</source>
        <translation>大厅公钥无效。</translation>
    </message>
    <message>
        <source>A terminal&apos;s share is 0 to 20 seats a time.</source>
        <translation>终端每个时段的预约名额为 0 至 20 个。</translation>
    </message>
    <message>
        <source>Only a terminal of a hall with a hall server holds seats of its own.</source>
        <translation>只有接入大厅服务器的终端才有自己的预约名额。</translation>
    </message>
    <message>
        <source>This number already has a case. A second matter of the same visit must be accepted on purpose.</source>
        <translation>此号码已有办件。同一次来访的第二件事项须确认后另行受理。</translation>
    </message>
    <message>
        <source>It is too early to check in. Please come back from {come_back_at}.</source>
        <translation>现在签到还早，请于{come_back_at}后再来。</translation>
    </message>
    <message>
        <source>This number already has case {case}. A second matter of the same visit must be accepted on purpose.</source>
        <translation>此号码已有办件{case}。同一次来访的第二件事项须确认后另行受理。</translation>
    </message>
    <message>
        <source>Another terminal of the hall cannot be reached.</source>
        <translation>联系不上大厅的另一台终端。</translation>
    </message>
    <message>
        <source>This window already holds calls it has not confirmed. Please finish them first.</source>
        <translation>本窗口还有未确认的叫号，请先处理。</translation>
    </message>
    <message>
        <source>The program refused to record something malformed. Please tell the hall&apos;s IT.</source>
        <translation>程序拒绝记录一条格式有误的数据，请告知大厅技术人员。</translation>
    </message>
    <message>
        <source>This action was refused: who acts is given by signing in. Please tell the hall&apos;s IT.</source>
        <translation>此操作被拒绝：操作人须通过登录确定。请告知大厅技术人员。</translation>
    </message>
    <message>
        <source>This window is not one of the hall&apos;s windows. Please tell the hall&apos;s IT.</source>
        <translation>此窗口不在本大厅配置的窗口之列，请告知大厅技术人员。</translation>
    </message>
    <message>
        <source>This terminal holds keys its role may not hold. Please tell the hall&apos;s IT.</source>
        <translation>本终端持有其角色不应持有的密钥，请告知大厅技术人员。</translation>
    </message>
    <message>
        <source>This terminal does not read cards.</source>
        <translation>本终端不读取证件。</translation>
    </message>
    <message>
        <source>The backup could not be made or read.</source>
        <translation>备份未能完成或无法读取。</translation>
    </message>
    <message>
        <source>There is no terminal or hub data in this folder to back up.</source>
        <translation>此文件夹中没有可备份的终端或中心数据。</translation>
    </message>
    <message>
        <source>The backup file is damaged or is not a backup of this program.</source>
        <translation>备份文件已损坏，或不是本程序的备份。</translation>
    </message>
    <message>
        <source>The key of the data to back up is missing.</source>
        <translation>要备份的数据缺少密钥文件。</translation>
    </message>
    <message>
        <source>The recovery passphrase is too short.</source>
        <translation>恢复口令太短。</translation>
    </message>
    <message>
        <source>Save the backup outside the folder it backs up.</source>
        <translation>请将备份保存在被备份的文件夹之外。</translation>
    </message>
    <message>
        <source>Restore into a new, empty folder.</source>
        <translation>请恢复到一个新的空文件夹。</translation>
    </message>
    <message>
        <source>The data is too large for one backup file.</source>
        <translation>数据过大，无法写入一个备份文件。</translation>
    </message>
    <message>
        <source>This backup was made by a newer version; restore it with that version.</source>
        <translation>此备份由更新版本生成，请用该版本恢复。</translation>
    </message>
    <message>
        <source>The backup file cannot be read.</source>
        <translation>无法读取备份文件。</translation>
    </message>
    <message>
        <source>Wrong recovery passphrase, or the backup file is damaged. Nothing was restored.</source>
        <translation>恢复口令错误或备份文件已损坏，未恢复任何内容。</translation>
    </message>
    <message>
        <source>This card or code carries no identity number. Please use another card.</source>
        <translation>此证件或码中没有证件号码，请换用其他证件。</translation>
    </message>
    <message>
        <source>A material is listed twice in the checklist.</source>
        <translation>材料清单中有材料重复列出。</translation>
    </message>
    <message>
        <source>A part is signed for, approved, not permitted or sent back for correction.</source>
        <translation>审批环节只能签收、准予许可、不予许可或要求补正。</translation>
    </message>
    <message>
        <source>This step of the case has already been decided.</source>
        <translation>该办件的这一环节已办理完毕。</translation>
    </message>
    <message>
        <source>A department did not approve its part of this case.</source>
        <translation>有部门未通过本办件中其负责的事项。</translation>
    </message>
    <message>
        <source>A result is handed out at the window or sent by mail.</source>
        <translation>办理结果只能窗口领取或邮寄送达。</translation>
    </message>
    <message>
        <source>Figures are exported as CSV or XLSX.</source>
        <translation>数据只能导出为逗号分隔文件或电子表格文件。</translation>
    </message>
    <message>
        <source>The date to supply the deferred material {material} is already past.</source>
        <translation>容缺材料「{material}」的补交日期已过。</translation>
    </message>
    <message>
        <source>Sending the result by mail needs its EMS tracking number.</source>
        <translation>邮寄送达需要填写EMS运单号。</translation>
    </message>
    <message>
        <source>The date given for {material} is not a valid date.</source>
        <translation>「{material}」的日期无效。</translation>
    </message>
    <message>
        <source>Mark each material as submitted, deferred or exempt.</source>
        <translation>请将每项材料标记为已提交、容缺或免提交。</translation>
    </message>
    <message>
        <source>Please sign in first.</source>
        <translation>请先登录。</translation>
    </message>
    <message>
        <source>Wrong technician PIN.</source>
        <translation>维护口令错误。</translation>
    </message>
    <message>
        <source>This kind of help is not known.</source>
        <translation>未知的帮办类型。</translation>
    </message>
    <message>
        <source>A colleague has already taken this help request.</source>
        <translation>该帮办请求已由其他工作人员受理。</translation>
    </message>
    <message>
        <source>This help request was not found.</source>
        <translation>未找到该帮办请求。</translation>
    </message>
    <message>
        <source>This rating was not found.</source>
        <translation>未找到该评价。</translation>
    </message>
    <message>
        <source>The retention period must be between 1 and {max} days.</source>
        <translation>保留期限须在1至{max}天之间。</translation>
    </message>
    <message>
        <source>This database has no file to copy.</source>
        <translation>该数据库没有可复制的文件。</translation>
    </message>
    <message>
        <source>Updating the data to the new version failed; the old data was left as it was. Please call the hall&apos;s IT.</source>
        <translation>数据升级失败，原数据保持不变。请联系大厅技术人员。</translation>
    </message>
    <message>
        <source>This data folder already belongs to another terminal.</source>
        <translation>此数据文件夹已属于另一台终端。</translation>
    </message>
    <message>
        <source>A day is written as year-month-day, for example 2026-03-01.</source>
        <translation>日期请按“年-月-日”填写，例如 2026-03-01。</translation>
    </message>
    <message>
        <source>Today has not ended yet. Close it only if the hall really closes early.</source>
        <translation>今天尚未结束，只有大厅确需提前结束营业时才能日结今天。</translation>
    </message>
    <message>
        <source>A day that has not come yet cannot be closed.</source>
        <translation>尚未到来的日期不能日结。</translation>
    </message>
    <message>
        <source>This terminal&apos;s backup is too old to catch up with the hall server. Please restore a newer backup.</source>
        <translation>本终端的备份过旧，无法与大厅服务器同步，请恢复较新的备份。</translation>
    </message>
    <message>
        <source>Too many wrong tries. Please try again in {seconds} seconds.</source>
        <translation>错误次数过多，请 {seconds} 秒后再试。</translation>
    </message>
    <message>
        <source>Nobody is waiting for window {window}.</source>
        <translation>{window}号窗口当前没有等候的号码。</translation>
    </message>
    <message>
        <source>Ticket {ticket} was not found.</source>
        <translation>找不到号码 {ticket}。</translation>
    </message>
    <message>
        <source>Window {window} is still serving {ticket}. Finish, park or transfer it first.</source>
        <translation>{window}号窗口还在办理 {ticket}，请先完成、挂起或转移。</translation>
    </message>
    <message>
        <source>No case {case} was found.</source>
        <translation>找不到办件 {case}。</translation>
    </message>
    <message>
        <source>The material “{material}” is still missing.</source>
        <translation>还缺少材料“{material}”。</translation>
    </message>
    <message>
        <source>Some parts of this case are not decided yet: it cannot be completed.</source>
        <translation>该办件还有环节未办结审批，暂不能办结。</translation>
    </message>
    <message>
        <source>Please write what must be corrected.</source>
        <translation>请填写需要补正的内容。</translation>
    </message>
    <message>
        <source>This part owes no correction.</source>
        <translation>该环节没有待补正的内容。</translation>
    </message>
    <message>
        <source>The other hall's key is not known here yet: sync the directory first. Nothing was written.</source>
        <translation>此处尚未获得对方大厅的公钥：请先同步大厅目录。未作任何记录。</translation>
    </message>
    <message>
        <source>This hall cannot accept a case on its own behalf from elsewhere: choose another hall.</source>
        <translation>不能选择本大厅作为异地代收的办理大厅，请选择其他大厅。</translation>
    </message>
    <message>
        <source>This part is decided by another hall; its decision comes back here.</source>
        <translation>该环节由其他大厅审批，审批结果将回传本大厅。</translation>
    </message>
    <message>
        <source>The directory names another key for a hall than the one pinned: refused. Ask the platform's operator.</source>
        <translation>目录中某大厅的公钥与已固定的不一致，已拒绝。请联系平台管理员。</translation>
    </message>
    <message>
        <source>The platform sent a directory this terminal cannot read.</source>
        <translation>平台发来的大厅目录无法读取。</translation>
    </message>
    <message>
        <source>This hall is not in the platform's directory.</source>
        <translation>平台目录中没有该大厅。</translation>
    </message>
    <message>
        <source>A hall's parent must be a hall of a higher level.</source>
        <translation>上级大厅的层级必须高于本大厅。</translation>
    </message>
    <message>
        <source>A hall's level is province, city, county, town or village.</source>
        <translation>大厅层级须为省、市、县、乡镇或村。</translation>
    </message>
    <message>
        <source>Please give the hall a name (at most 64 characters).</source>
        <translation>请填写大厅名称（不超过64个字符）。</translation>
    </message>
    <message>
        <source>A department's seat is written DEPARTMENT=HALL.</source>
        <translation>部门归属的写法为“部门=大厅”。</translation>
    </message>
    <message>
        <source>This department name cannot be used.</source>
        <translation>该部门名称不可用。</translation>
    </message>
    <message>
        <source>A hall's public key was not valid.</source>
        <translation>大厅公钥无效。</translation>
    </message>
    <message>
        <source>The platform's directory refused this change.</source>
        <translation>平台目录拒绝了此项修改。</translation>
    </message>
    <message>
        <source>This case does not travel between halls that way.</source>
        <translation>该办件不在这两个大厅之间流转。</translation>
    </message>
    <message>
        <source>This department is not in the catalog.</source>
        <translation>事项目录中没有该部门。</translation>
    </message>
    <message>
        <source>This part already belongs to that department.</source>
        <translation>该环节已由该部门办理。</translation>
    </message>
    <message>
        <source>This case has no such part.</source>
        <translation>该办件没有这个环节。</translation>
    </message>
    <message>
        <source>The hall is closed now. Please come back during opening hours.</source>
        <translation>大厅现在不在办公时间，请在办公时间内前来。</translation>
    </message>
    <message>
        <source>This account is disabled. Please ask the hall administrator.</source>
        <translation>此账号已停用，请联系大厅管理员。</translation>
    </message>
    <message>
        <source>A hall setting has a wrong value.</source>
        <translation>大厅设置的取值有误。</translation>
    </message>
    <message>
        <source>A department account needs its department, and only it has one.</source>
        <translation>部门账号须填写所属部门，其他账号不填。</translation>
    </message>
    <message>
        <source>You cannot disable your own account.</source>
        <translation>不能停用自己的账号。</translation>
    </message>
    <message>
        <source>The hall server&apos;s signing key has changed. Please ask the hall IT staff to enroll this terminal again.</source>
        <translation>大厅服务器的签名密钥已变更，请联系大厅技术人员重新登记本终端。</translation>
    </message>
    <message>
        <source>The hall is closed now. It opens again at {opens}.</source>
        <translation>大厅现在不在办公时间，下次开放时间：{opens}。</translation>
    </message>
    <message>
        <source>The hall setting {key} has a wrong value.</source>
        <translation>大厅设置 {key} 的取值有误。</translation>
    </message>
    <message>
        <source>This terminal belongs to a hall with a hall server: the first administrator is made on the hall server and reaches this terminal when it syncs.</source>
        <translation>本终端属于有大厅服务器的大厅：首个管理员须在大厅服务器上创建，同步后即到达本终端。</translation>
    </message>
    <message>
        <source>This account was made on this terminal before accounts were shared by the hall. An administrator must move this terminal&apos;s accounts to the hall first.</source>
        <translation>此账号是在全厅统一账号之前于本终端创建的，须先由管理员将本终端的账号迁移到大厅后才能登录。</translation>
    </message>
</context>
</TS>
