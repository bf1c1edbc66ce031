/*
 * banned.h: functions that are too easy to misuse.  Using one is a compile
 * error; use the buf_*() helpers or snprintf() instead.
 */
#ifndef KATIB_SRC_BANNED_H
#define KATIB_SRC_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gets
#define gets(x) BANNED(gets)

/*
 * No user-controlled string may reach a shell: run programs with an argv
 * (fork() and execvp()), as the credential plugin is run.
 */
#undef system
#define system(x) BANNED(system)
#undef popen
#define popen(x, y) BANNED(popen)
#undef execl
#define execl(...) BANNED(execl)
#undef execlp
#define execlp(...) BANNED(execlp)
#undef execle
#define execle(...) BANNED(execle)

#endif
