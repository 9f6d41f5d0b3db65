/*
 * conio.h - the Microsoft C runtime's console I/O that Win32 textbook programs
 * use ("press any key"), implemented by libwinipc on the terminal (see
 * docs/c-abi.md).  _getch/_getche read one byte from standard input without
 * waiting for Enter (the terminal is put in non-canonical mode for the read,
 * without echo for _getch); on a non-terminal they simply read one byte.
 * End of input or an error gives EOF (-1).  _kbhit is nonzero when a byte is
 * ready on standard input.  _putch writes one byte to standard output.
 */
#ifndef WINIPC_CONIO_H
#define WINIPC_CONIO_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

int _getch(void);
int _getche(void);
int _kbhit(void);
int _putch(int c);
int _ungetch(int c);

#define getch   _getch
#define getche  _getche
#define kbhit   _kbhit
#define putch   _putch
#define ungetch _ungetch

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_CONIO_H */
