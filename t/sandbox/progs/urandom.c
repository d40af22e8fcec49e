/* Compiling this must end within the limits, not hang the judge. */
#include "/dev/urandom"
int main(void) { return 0; }
