/* Spins in N threads (default 1) forever. */
#include <pthread.h>
#include <stdlib.h>

static void *spin(void *arg)
{
    (void) arg;
    for (volatile unsigned long i = 0;; i++)
        ;
    return NULL;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    for (int i = 1; i < n; i++) {
        pthread_t t;
        pthread_create(&t, NULL, spin, NULL);
    }
    spin(NULL);
    return 0;
}
