/* duty: who is on duty at time T (placeholder header; escalation work defines it). */
#ifndef SECOURS_DUTY_H
#define SECOURS_DUTY_H
#endif
