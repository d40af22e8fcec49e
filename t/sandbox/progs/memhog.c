/* Memory bombs.  memhog malloc|mmap|stack|threads [MiB] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int deep(int n)
{
    volatile char frame[4096];
    memset((char *) frame, n, sizeof(frame));
    return deep(n + 1) + frame[7];
}

static void *thread_hog(void *arg)
{
    (void) arg;
    for (;;) {
        char *p = malloc(1 << 20);
        if (p == NULL)
            break;
        memset(p, 1, 1 << 20);
    }
    for (;;)
        pause();
    return NULL;
}

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "malloc";
    long mib = argc > 2 ? atol(argv[2]) : 1024;

    if (strcmp(how, "malloc") == 0) {
        for (long i = 0; i < mib; i++) {
            char *p = malloc(1 << 20);
            if (p == NULL) {
                printf("malloc failed at %ld MiB\n", i);
                return 3;
            }
            memset(p, 1, 1 << 20);
        }
    } else if (strcmp(how, "mmap") == 0) {
        char *p = mmap(NULL, (size_t) mib << 20, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            printf("mmap failed\n");
            return 3;
        }
        for (long i = 0; i < (mib << 20); i += 4096)
            p[i] = 1;
    } else if (strcmp(how, "stack") == 0) {
        return deep(0);
    } else if (strcmp(how, "threads") == 0) {
        for (int i = 0; i < 16; i++) {
            pthread_t t;
            if (pthread_create(&t, NULL, thread_hog, NULL) != 0)
                break;
        }
        for (;;)
            pause();
    }
    printf("allocated %ld MiB\n", mib);
    return 0;
}
