/*
 * headers.c - Windows code includes the SDK headers in every spelling NTFS allows; each must
 * compile, together, in C and C++, ANSI and UNICODE.  Also <conio.h> at run time.
 */
#include <Windows.h>
#include <windows.h>
#include <WINDOWS.H>
#include <WinBase.h>
#include <Winbase.h>
#include <winbase.h>
#include <WinDef.h>
#include <windef.h>
#include <minwindef.h>
#include <WinNT.h>
#include <Winnt.h>
#include <winnt.h>
#include <WinError.h>
#include <Winerror.h>
#include <winerror.h>
#include <synchapi.h>
#include <processthreadsapi.h>
#include <handleapi.h>
#include <fileapi.h>
#include <sysinfoapi.h>
#include <libloaderapi.h>
#include <errhandlingapi.h>
#include <consoleapi.h>
#include <processenv.h>
#include <minwinbase.h>
#include <WinUser.h>
#include <winuser.h>
#include <TlHelp32.h>
#include <Tlhelp32.h>
#include <tlhelp32.h>
#include <conio.h>
#include <tchar.h>
#include <process.h>
#include "harness.h"

int main(void)
{
    PROCESSENTRY32 pe;
    THREADENTRY32 te;
    CHECK(sizeof pe.szExeFile / sizeof pe.szExeFile[0] == MAX_PATH);
    CHECK(sizeof(te) == 28);
    CHECK_EQ(TH32CS_SNAPALL, 0xF);
    /* conio: stdin is /dev/null here. */
    CHECK_EQ(_ungetch('x'), 'x');
    CHECK_EQ(_kbhit(), 1);
    CHECK_EQ(_getch(), 'x');
    CHECK_EQ(_getch(), EOF);
    CHECK_EQ(_getche(), EOF);
    CHECK_EQ(_putch('#'), '#');
    CHECK_EQ(_putch('\n'), '\n');
    return SUMMARY();
}
