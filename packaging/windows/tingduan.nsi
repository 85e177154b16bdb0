; NSIS installer of 厅端 for Windows 10/11 (x64): the same layout as the Debian package.
;   makensis /DDIST=..\..\build\dist\tingduan /DWINSW=WinSW-x64.exe /DVERSION=0.1.0 tingduan.nsi
; DIST is the PyInstaller --onedir folder (pyinstaller packaging\tingduan.spec on Windows);
; WINSW is WinSW's x64 .exe (the hub's service wrapper). Data stays in %ProgramData%\Tingduan
; on uninstall.
Unicode true
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef DIST
  !define DIST "..\..\build\dist\tingduan"
!endif
!ifndef WINSW
  !define WINSW "WinSW-x64.exe"
!endif
!ifndef OUTFILE
  !define OUTFILE "tingduan-${VERSION}-setup.exe"
!endif

!include "MUI2.nsh"
!include "x64.nsh"
!include "StrFunc.nsh"
${StrStr}
${UnStrRep}

Name "厅端 ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Tingduan"
InstallDirRegKey HKLM "Software\Tingduan" "InstallDir"
RequestExecutionLevel admin
!ifdef CHECK_ONLY
  SetCompress off  ; a syntax check of the script on Linux (makensis), not a release
!else
  SetCompressor /SOLID lzma
!endif
ManifestDPIAware true

!define UNINST "Software\Microsoft\Windows\CurrentVersion\Uninstall\Tingduan"
!define RUNKEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define ENVKEY "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "厅端 needs 64-bit Windows 10 or 11."
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all  ; $APPDATA is %ProgramData% from here on
FunctionEnd

Section "厅端 (program)" SecMain
  SectionIn RO
  ; an upgrade: stop the hub while its files are replaced; it migrates its store on start
  IfFileExists "$INSTDIR\files\tingduan-hub.exe" 0 +2
    nsExec::Exec '"$INSTDIR\files\tingduan-hub.exe" stop'
  SetOutPath "$INSTDIR\files"
  File /r "${DIST}\*.*"
  File "tingduan-session.cmd"
  File "..\..\README.md"
  SetOutPath "$INSTDIR\entries\icons"
  File "..\icons\tingduan.ico"
  CreateDirectory "$APPDATA\Tingduan"
  WriteRegStr HKLM "Software\Tingduan" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINST}" "DisplayName" "厅端"
  WriteRegStr HKLM "${UNINST}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST}" "DisplayIcon" "$INSTDIR\entries\icons\tingduan.ico"
  WriteRegStr HKLM "${UNINST}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINST}" "NoModify" 1
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\厅端.lnk" "$INSTDIR\files\tingduan.exe" "kiosk --fullscreen" \
    "$INSTDIR\entries\icons\tingduan.ico"
  ; tingduan on the PATH of new sessions (once)
  ReadRegStr $0 HKLM "${ENVKEY}" "Path"
  ${StrStr} $1 "$0" "$INSTDIR\files"
  StrCmp $1 "" 0 +3
    WriteRegExpandStr HKLM "${ENVKEY}" "Path" "$0;$INSTDIR\files"
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=2000
  IfFileExists "$INSTDIR\files\tingduan-hub.exe" 0 +2
    nsExec::Exec '"$INSTDIR\files\tingduan-hub.exe" start'
SectionEnd

Section /o "Kiosk full-screen at logon" SecKiosk
  WriteRegStr HKLM "${RUNKEY}" "TingduanKiosk" 'cmd.exe /c start "" /min "$INSTDIR\files\tingduan-session.cmd" kiosk'
SectionEnd

Section /o "Display full-screen at logon" SecDisplay
  WriteRegStr HKLM "${RUNKEY}" "TingduanDisplay" 'cmd.exe /c start "" /min "$INSTDIR\files\tingduan-session.cmd" display'
SectionEnd

Section /o "Hall hub (Windows service)" SecHub
  SetOutPath "$INSTDIR\files"
  File "/oname=tingduan-hub.exe" "${WINSW}"
  File "tingduan-hub.xml"
  CreateDirectory "$APPDATA\Tingduan\hub"
  ; a hall CA and server certificate on first install (serve init-tls --host NAME for real names)
  IfFileExists "$APPDATA\Tingduan\hub\tls\server.pem" +2 0
    nsExec::ExecToLog '"$INSTDIR\files\tingduan.exe" serve init-tls --data-dir "$APPDATA\Tingduan\hub"'
  nsExec::ExecToLog '"$INSTDIR\files\tingduan-hub.exe" install'
  nsExec::ExecToLog '"$INSTDIR\files\tingduan-hub.exe" start'
SectionEnd

Section "Uninstall"
  SetRegView 64
  SetShellVarContext all
  IfFileExists "$INSTDIR\files\tingduan-hub.exe" 0 +3
    nsExec::ExecToLog '"$INSTDIR\files\tingduan-hub.exe" stop'
    nsExec::ExecToLog '"$INSTDIR\files\tingduan-hub.exe" uninstall'
  DeleteRegValue HKLM "${RUNKEY}" "TingduanKiosk"
  DeleteRegValue HKLM "${RUNKEY}" "TingduanDisplay"
  ReadRegStr $0 HKLM "${ENVKEY}" "Path"
  ${UnStrRep} $0 "$0" ";$INSTDIR\files" ""
  WriteRegExpandStr HKLM "${ENVKEY}" "Path" "$0"
  Delete "$SMPROGRAMS\厅端.lnk"
  RMDir /r "$INSTDIR\files"
  RMDir /r "$INSTDIR\entries"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINST}"
  DeleteRegKey HKLM "Software\Tingduan"
  ; %ProgramData%\Tingduan (stores, keys, the hub's database) is kept
SectionEnd
