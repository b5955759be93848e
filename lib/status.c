/*
 * status.c - version queries and the status name and message tables, both
 * made from PRC_STATUS_LIST in the public header.
 */
#include "internal.h"

unsigned prc_version_number(void)
{
    return PRC_VERSION_NUMBER;
}

const char *prc_version_string(void)
{
    return PRC_VERSION_STRING;
}

#define PRC__STATUS_NAME(name, number, message) [number] = #name,
#define PRC__STATUS_MESSAGE(name, number, message) [number] = message,

static const char *const status_names[] = {
    PRC_STATUS_LIST(PRC__STATUS_NAME)
};

static const char *const status_messages[] = {
    PRC_STATUS_LIST(PRC__STATUS_MESSAGE)
};

#define STATUS_COUNT (sizeof status_names / sizeof status_names[0])

const char *prc_status_message(int status)
{
    if (status < 0 || (size_t)status >= STATUS_COUNT
        || status_messages[status] == NULL)
        return "unknown status";
    return status_messages[status];
}

const char *prc_status_name(int status)
{
    if (status < 0 || (size_t)status >= STATUS_COUNT
        || status_names[status] == NULL)
        return "PRC_UNKNOWN";
    return status_names[status];
}
