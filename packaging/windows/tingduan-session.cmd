@echo off
rem Started at logon (HKLM Run): the kiosk or the display, full-screen, back after a crash.
rem   tingduan-session.cmd kiosk ^| display
setlocal
set role=%1
set fast=0
:loop
"%~dp0tingduan.exe" %role% --fullscreen
if %errorlevel%==0 exit /b 0
set /a fast+=1
if %fast% geq 5 (timeout /t 60 /nobreak >nul ^& set fast=0) else (timeout /t 2 /nobreak >nul)
goto loop
