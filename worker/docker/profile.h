/*
 * profile.h: the seccomp profile of the Docker backend's containers, as
 * the JSON docker takes in SecurityOpt "seccomp=...".
 */

#ifndef JUDGE_DOCKER_PROFILE_H
#define JUDGE_DOCKER_PROFILE_H


/* The profile's JSON text (malloc'ed), or NULL when out of memory. */
char *profile_build(void);


#endif /* JUDGE_DOCKER_PROFILE_H */
