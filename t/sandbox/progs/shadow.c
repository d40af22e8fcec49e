/* Compiling this must fail inside the sandbox: the file is not there. */
#include "/etc/shadow"
int main(void) { return 0; }
