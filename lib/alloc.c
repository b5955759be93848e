/*
 * alloc.c - every allocation of the library goes through here, to the C
 * library or to an allocator the caller installed.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void *libc_malloc(size_t size, void *user)
{
    (void)user;
    return malloc(size);
}

static void *libc_realloc(void *pointer, size_t size, void *user)
{
    (void)user;
    return realloc(pointer, size);
}

static void libc_free(void *pointer, void *user)
{
    (void)user;
    free(pointer);
}

static prc__allocator process_allocator = {libc_malloc, libc_realloc,
                                           libc_free, NULL};

prc__allocator prc__default_allocator(void)
{
    return process_allocator;
}

/* Fills `a` from the caller's functions; all NULL means the C library. */
static prc_status make_allocator(prc__allocator *a, prc_malloc_fn malloc_fn,
                                 prc_realloc_fn realloc_fn,
                                 prc_free_fn free_fn, void *user)
{
    if (malloc_fn == NULL && realloc_fn == NULL && free_fn == NULL) {
        a->malloc_fn = libc_malloc;
        a->realloc_fn = libc_realloc;
        a->free_fn = libc_free;
        a->user = NULL;
        return PRC_OK;
    }
    if (malloc_fn == NULL || free_fn == NULL)
        return PRC_E_NULL;

    a->malloc_fn = malloc_fn;
    a->realloc_fn = realloc_fn;
    a->free_fn = free_fn;
    a->user = user;
    return PRC_OK;
}

prc_status prc_set_default_allocator(prc_malloc_fn malloc_fn,
                                     prc_realloc_fn realloc_fn,
                                     prc_free_fn free_fn, void *user)
{
    return make_allocator(&process_allocator, malloc_fn, realloc_fn, free_fn,
                          user);
}

prc_status prc_options_set_allocator(prc_options *options,
                                     prc_malloc_fn malloc_fn,
                                     prc_realloc_fn realloc_fn,
                                     prc_free_fn free_fn, void *user)
{
    prc__allocator a;
    prc_status status;

    if (options == NULL)
        return PRC_E_NULL;
    status = make_allocator(&a, malloc_fn, realloc_fn, free_fn, user);
    if (status == PRC_OK) {
        options->allocator = a;
        options->has_allocator = 1;
    }
    return status;
}

void *prc__alloc(const prc__allocator *a, size_t n, size_t size, int zero)
{
    void *p;

    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    /* A zero-byte request asks for one byte, so NULL always means failure. */
    p = a->malloc_fn(n == 0 || size == 0 ? 1 : n * size, a->user);
    if (p != NULL && zero)
        memset(p, 0, n * size);
    return p;
}

void prc__free(const prc__allocator *a, void *pointer)
{
    if (pointer != NULL)
        a->free_fn(pointer, a->user);
}
