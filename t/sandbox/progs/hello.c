/* Ordinary program: greets, echoes its arguments, exits 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello, world\n");
    for (int i = 1; i < argc; i++)
        printf("arg %s\n", argv[i]);
    return 0;
}
