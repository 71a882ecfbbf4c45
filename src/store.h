/* store: durable escalations (placeholder header; escalation work defines it). */
#ifndef SECOURS_STORE_H
#define SECOURS_STORE_H
#endif
