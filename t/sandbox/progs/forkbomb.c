/* Forks until fork fails; children wait forever. Prints the count, exits 7. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    int n = 0;
    for (;;) {
        pid_t p = fork();
        if (p < 0)
            break;
        if (p == 0) {
            for (;;)
                pause();
        }
        n++;
    }
    printf("forked %d\n", n);
    fflush(stdout);
    return 7;
}
