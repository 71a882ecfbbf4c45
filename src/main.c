/* main: placeholder until the foundation lands. */
#include "ac-config.h"
int main(void) { return 0; }
