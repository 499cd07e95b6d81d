/* Linked into the ThreadSanitizer build of the threaded consumer only
 * (run-consumers.sh --tsan). clang 14's ThreadSanitizer has no interceptor for
 * pthread_mutex_clocklock (llvm/llvm-project#62623, google/sanitizers#1620),
 * which libstdc++ 12 calls for std::timed_mutex::try_lock_for (the registry
 * pool's one-token-fetch-per-repository lock). TSan then never sees the lock
 * taken and reports "unlock of an unlocked mutex", and it loses the
 * happens-before edges the mutex makes. This definition, exported from the
 * executable, takes the place of glibc's for libimgtrust.so and waits with
 * pthread_mutex_timedlock, which TSan does intercept: same deadline (converted
 * from the steady clock to the real-time clock), same result. */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>

int pthread_mutex_clocklock(pthread_mutex_t *mutex, clockid_t clock, const struct timespec *deadline) {
    struct timespec now_clock, now_real, real_deadline;
    long long remaining_ns;
    if (clock == CLOCK_REALTIME) return pthread_mutex_timedlock(mutex, deadline);
    clock_gettime(clock, &now_clock);
    clock_gettime(CLOCK_REALTIME, &now_real);
    remaining_ns = (long long)(deadline->tv_sec - now_clock.tv_sec) * 1000000000LL + (deadline->tv_nsec - now_clock.tv_nsec);
    if (remaining_ns < 0) remaining_ns = 0;
    remaining_ns += now_real.tv_nsec;
    real_deadline.tv_sec = now_real.tv_sec + (time_t)(remaining_ns / 1000000000LL);
    real_deadline.tv_nsec = (long)(remaining_ns % 1000000000LL);
    return pthread_mutex_timedlock(mutex, &real_deadline);
}
