/*
 * registry.c — the list of live maps that postmortem tools walk
 * (libmap_registry in the debug contract).
 */
#include <pthread.h>

#include "internal.h"

struct libmap_registry libmap_registry = {.magic = LIBMAP_REGISTRY_MAGIC};
extern struct libmap_registry libmap_registry_local
    __attribute__((alias("libmap_registry"), visibility("hidden")));

/* Postmortem tools need the layout descriptor wherever the registry is: in a
 * program linked with the static libmap nothing else references layout.o,
 * and the linker would leave it out of the program. */
__attribute__((used)) static const struct libmap_layout *const layout_anchor = &libmap_layout;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

void registry_add(struct libmap *m)
{
    pthread_mutex_lock(&registry_lock);
    m->reg_prev = NULL;
    m->reg_next = libmap_registry.head;
    if (m->reg_next != NULL)
        m->reg_next->reg_prev = m;
    libmap_registry.head = m;
    libmap_registry.count++;
    libmap_registry.generation++;
    pthread_mutex_unlock(&registry_lock);
}

void registry_remove(struct libmap *m)
{
    pthread_mutex_lock(&registry_lock);
    if (m->reg_prev != NULL)
        m->reg_prev->reg_next = m->reg_next;
    else
        libmap_registry.head = m->reg_next;
    if (m->reg_next != NULL)
        m->reg_next->reg_prev = m->reg_prev;
    m->reg_next = m->reg_prev = NULL;
    libmap_registry.count--;
    libmap_registry.generation++;
    pthread_mutex_unlock(&registry_lock);
}

void libmap_registry_foreach(void (*fn)(libmap *m, void *ctx), void *ctx)
{
    pthread_mutex_lock(&registry_lock);
    for (struct libmap *m = libmap_registry.head; m != NULL; m = m->reg_next)
        fn(m, ctx);
    pthread_mutex_unlock(&registry_lock);
}
