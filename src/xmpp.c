/* xmpp: not written yet (placeholder so the tree builds). */
#include "ac-config.h"
typedef int xmpp_placeholder_t;
