/*
 * relayd.c — live inputs: whether an input is an LTTng live URL, and a
 * bounded connect to the relay daemon it names, so that an unreachable
 * relayd fails in seconds instead of in babeltrace2's retries.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "viewer.h"

#define RELAYD_DEFAULT_PORT "5344"
#define CONNECT_TIMEOUT_MS 5000

bool tl_is_live_url(const char *s)
{
    return strncmp(s, "net://", 6) == 0 || strncmp(s, "net4://", 7) == 0 ||
           strncmp(s, "net6://", 7) == 0;
}

/* HOST and PORT of net://HOST[:PORT]/host/...; -1 when the URL has no
 * such form. */
static int split_url(const char *url, char *host, size_t hostlen, char *port, size_t portlen)
{
    const char *h = strstr(url, "://") + 3;
    const char *end = strchr(h, '/');
    size_t hl = end ? (size_t)(end - h) : strlen(h);
    if (hl == 0 || hl >= hostlen || !end || strncmp(end, "/host/", 6) != 0)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    snprintf(port, portlen, "%s", RELAYD_DEFAULT_PORT);
    char *colon = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
    if (host[0] == '[') {
        char *rb = strchr(host, ']');
        if (colon)
            snprintf(port, portlen, "%s", colon + 2);
        if (rb)
            *rb = '\0';
        memmove(host, host + 1, strlen(host));
    } else if (colon) {
        snprintf(port, portlen, "%s", colon + 1);
        *colon = '\0';
    }
    return 0;
}

/* 0 when a connection to ai is accepted within CONNECT_TIMEOUT_MS, else
 * the errno value; -1 when no socket could be made for it. */
static int try_connect(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int err = 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        err = 0;
    } else if (errno == EINPROGRESS) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) == 1) {
            socklen_t sl = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl);
        } else {
            err = ETIMEDOUT;
        }
    } else {
        err = errno;
    }
    close(fd);
    return err;
}

int tl_check_relayd(const char *url)
{
    char host[256], port[16];
    if (split_url(url, host, sizeof host, port, sizeof port) != 0) {
        fprintf(stderr, TL_PROG ": %s: expecting net://HOST[:PORT]/host/HOSTNAME/SESSION "
                "(libmap-record --live prints it)\n", url);
        return TL_EXIT_USAGE;
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
    int r = getaddrinfo(host, port, &hints, &ai);
    if (r != 0) {
        fprintf(stderr, TL_PROG ": cannot resolve relay daemon host '%s': %s\n", host,
                gai_strerror(r));
        return TL_EXIT_INPUT;
    }
    int err = ETIMEDOUT;
    for (struct addrinfo *p = ai; p && err != 0; p = p->ai_next) {
        int e = try_connect(p);
        if (e >= 0)
            err = e;
    }
    freeaddrinfo(ai);
    if (err) {
        fprintf(stderr, TL_PROG ": cannot reach lttng-relayd at %s port %s: %s; start it "
                "(lttng-relayd --daemonize) or check the URL\n", host, port, strerror(err));
        return TL_EXIT_INPUT;
    }
    return 0;
}
