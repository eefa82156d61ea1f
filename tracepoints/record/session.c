/*
 * session.c — the LTTng session of one libmap-record run: create it in the
 * chosen mode, one user-space channel "libmap" with per-UID buffers, the
 * libmap:* event rule (INFO and more severe, or everything with
 * --debug-events) with a filter that keeps the traced process tree's events
 * only (child.c), the vtid/vpid/procname contexts, the flight recorder's
 * trigger on libmap:panic with the same filter, then start. The trigger is
 * named libmap-record-PID-panic (PID: this recorder's), whatever the session
 * is called. Teardown removes the trigger (it belongs to the daemon, not the
 * session) and destroys the session, which flushes it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

#define CHANNEL "libmap"
#define NUM_SUBBUF 4

static int create(const struct options *o)
{
    char sess[256], out[4300], url[1100], live[64];
    snprintf(sess, sizeof sess, "%s", o->session);
    if (o->output)
        snprintf(out, sizeof out, "--output=%s", o->output);
    if (o->relayd_url)
        snprintf(url, sizeof url, "--set-url=%s", o->relayd_url);
    switch (o->mode) {
    case MODE_LOCAL:
        return lttng(o, "create the session", "create", sess, out, (char *)NULL);
    case MODE_FLIGHT:
        return lttng(o, "create the snapshot session", "create", sess, "--snapshot",
                     o->relayd_url ? url : out, (char *)NULL);
    case MODE_STREAM:
        return lttng(o, "create the streaming session", "create", sess, url, (char *)NULL);
    case MODE_LIVE:
        if (o->live_timer_us > 0)
            snprintf(live, sizeof live, "--live=%ld", o->live_timer_us);
        else
            snprintf(live, sizeof live, "--live");
        return lttng(o, "create the live session", "create", sess, live, url, (char *)NULL);
    }
    return -1;
}

static int configure(const struct options *o, const char *filter)
{
    char sess[300], subbuf[64], filt[300];
    snprintf(filt, sizeof filt, "--filter=%s", filter);
    snprintf(sess, sizeof sess, "--session=%s", o->session);
    snprintf(subbuf, sizeof subbuf, "--subbuf-size=%zu", o->buffer_size / NUM_SUBBUF);
    int rc = lttng(o, "create the channel", "enable-channel", "--userspace", sess, "--buffers-uid",
                   subbuf, "--num-subbuf=4", o->flight ? "--overwrite" : "--discard", CHANNEL,
                   (char *)NULL);
    if (rc == 0)
        rc = lttng(o, "enable the libmap events", "enable-event", "--userspace", sess,
                   "--channel=" CHANNEL, filt, "libmap:*",
                   /* with --debug-events the list ends before the log level */
                   o->debug_events ? (char *)NULL : "--loglevel=INFO", (char *)NULL);
    if (rc == 0)
        rc = lttng(o, "add the vtid, vpid and procname contexts", "add-context", "--userspace",
                   sess, "--channel=" CHANNEL, "--type=vtid", "--type=vpid", "--type=procname",
                   (char *)NULL);
    return rc;
}

void session_trigger_name(const struct options *o, char *trigger, size_t triggersz)
{
    if (o->flight)
        snprintf(trigger, triggersz, "libmap-record-%ld-panic", (long)getpid());
    else if (triggersz > 0)
        trigger[0] = '\0';
}

static int add_trigger(const struct options *o, const char *filter, char *trigger,
                       size_t triggersz)
{
    char name[300], filt[300];
    session_trigger_name(o, trigger, triggersz);
    snprintf(name, sizeof name, "--name=%s", trigger);
    snprintf(filt, sizeof filt, "--filter=%s", filter);
    int rc = lttng(o, "add the libmap:panic trigger", "add-trigger", name,
                   "--condition=event-rule-matches", "--type=user", "--name=libmap:panic", filt,
                   "--action=snapshot-session", (char *)o->session, (char *)NULL);
    if (rc != 0)
        trigger[0] = '\0';
    return rc;
}

int session_setup(const struct options *o, const char *filter, char *trigger, size_t triggersz)
{
    trigger[0] = '\0';
    if (create(o) != 0)
        return EXIT_RECORD_FAILED;
    owners_note_session(o->session);
    int rc = configure(o, filter);
    if (rc == 0 && o->flight)
        rc = add_trigger(o, filter, trigger, triggersz);
    if (rc == 0)
        rc = lttng(o, "start the session", "start", (char *)o->session, (char *)NULL);
    if (rc != 0) {
        session_teardown(o, trigger);
        return EXIT_RECORD_FAILED;
    }
    return 0;
}

void session_snapshot(const struct options *o)
{
    char sess[300];
    snprintf(sess, sizeof sess, "--session=%s", o->session);
    lttng(o, "take a snapshot", "snapshot", "record", sess, (char *)NULL);
}

void session_teardown(const struct options *o, const char *trigger)
{
    if (trigger != NULL && trigger[0] != '\0')
        lttng(o, "remove the trigger", "remove-trigger", (char *)trigger, (char *)NULL);
    lttng(o, "destroy the session", "destroy", (char *)o->session, (char *)NULL);
}
