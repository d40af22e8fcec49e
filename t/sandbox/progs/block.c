/* block sleep|pipe|stdin: sleep forever, block on a pipe nobody writes,
 * or read stdin and report what came (EOF on an empty stdin). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "sleep";
    char buf[256];

    if (strcmp(how, "sleep") == 0) {
        for (;;)
            sleep(1000);
    } else if (strcmp(how, "pipe") == 0) {
        int p[2];
        if (pipe(p) < 0)
            return 2;
        read(p[0], buf, sizeof(buf));
    } else {
        ssize_t n = read(0, buf, sizeof(buf) - 1);
        if (n == 0)
            printf("eof\n");
        else if (n > 0) {
            buf[n] = 0;
            printf("read: %s", buf);
        } else
            perror("read");
    }
    return 0;
}
