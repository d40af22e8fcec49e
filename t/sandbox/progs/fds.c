/* Opens /dev/null until it fails; prints how many and why. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    int n = 0;
    for (;;) {
        if (open("/dev/null", O_RDONLY) < 0)
            break;
        n++;
    }
    printf("opened %d then %s\n", n, strerrorname_np(errno));
    return 0;
}
