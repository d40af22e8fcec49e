/* crash segv|fpe|abort|exit N */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "segv";
    volatile int seven = 7, zero = 0;

    if (strcmp(how, "segv") == 0)
        return *(volatile int *) 0;
    if (strcmp(how, "fpe") == 0)
        return seven / zero;
    if (strcmp(how, "abort") == 0)
        abort();
    if (strcmp(how, "exit") == 0)
        return argc > 2 ? atoi(argv[2]) : 1;
    return 0;
}
