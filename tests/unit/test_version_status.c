/*
 * test_version_status.c - version macros against the loaded library, and
 * the name and message of every status.
 */
#include "support.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static void test_version_number_matches_macros(void **state)
{
    (void)state;
    assert_int_equal(PRC_VERSION_NUMBER, PRC_VERSION_MAJOR * 10000
                                             + PRC_VERSION_MINOR * 100
                                             + PRC_VERSION_PATCH);
    assert_int_equal(prc_version_number(), PRC_VERSION_NUMBER);
}

static void test_version_string_matches_macros(void **state)
{
    char built[64];

    (void)state;
    snprintf(built, sizeof built, "%d.%d.%d", PRC_VERSION_MAJOR,
             PRC_VERSION_MINOR, PRC_VERSION_PATCH);
    assert_string_equal(PRC_VERSION_STRING, built);
    assert_non_null(prc_version_string());
    assert_string_equal(prc_version_string(), PRC_VERSION_STRING);
}

/* The header's single list gives the expected identifier, number and
 * message of every status. */
struct expected_status {
    int number;
    const char *name;
    const char *message;
};

#define EXPECTED_STATUS(name, number, message) {number, #name, message},
static const struct expected_status expected[] = {
    PRC_STATUS_LIST(EXPECTED_STATUS)};
#undef EXPECTED_STATUS

static void test_every_status_has_name_and_message(void **state)
{
    size_t i, n = sizeof expected / sizeof expected[0];

    (void)state;
    /* Numbered 0, 1, 2, ... with no gap, at least the 18 of 0.1.0. */
    assert_true(n >= 18);
    for (i = 0; i < n; i++) {
        const char *name = prc_status_name(expected[i].number);
        const char *message = prc_status_message(expected[i].number);

        assert_int_equal(expected[i].number, (int)i);
        assert_non_null(name);
        assert_non_null(message);
        assert_string_equal(name, expected[i].name);
        assert_true(strlen(message) > 0);
        assert_string_equal(message, expected[i].message);
    }
}

static void test_status_enum_values(void **state)
{
    (void)state;
    /* The numbers are part of the ABI: spelled out here by hand. */
    assert_int_equal(PRC_OK, 0);
    assert_int_equal(PRC_E_NULL, 1);
    assert_int_equal(PRC_E_NOMEM, 2);
    assert_int_equal(PRC_E_OPTION, 3);
    assert_int_equal(PRC_E_OPTION_VALUE, 4);
    assert_int_equal(PRC_E_DTYPE, 5);
    assert_int_equal(PRC_E_ZERO_SIZE, 6);
    assert_int_equal(PRC_E_OVERFLOW, 7);
    assert_int_equal(PRC_E_INCOMPLETE, 8);
    assert_int_equal(PRC_E_NAN, 9);
    assert_int_equal(PRC_E_RANGE, 10);
    assert_int_equal(PRC_E_LABEL, 11);
    assert_int_equal(PRC_E_INDEX, 12);
    assert_int_equal(PRC_E_COLUMN, 13);
    assert_int_equal(PRC_E_NOT_ENABLED, 14);
    assert_int_equal(PRC_E_NO_POSITIVES, 15);
    assert_int_equal(PRC_E_NO_IMAGES, 16);
    assert_int_equal(PRC_E_COUNT_LIMIT, 17);
    assert_string_equal(prc_status_name(PRC_E_NAN), "PRC_E_NAN");
    assert_string_equal(prc_status_message(PRC_E_NAN), "a score is NaN");
}

static void test_unknown_status(void **state)
{
    const int past = (int)(sizeof expected / sizeof expected[0]);
    const int unknown[] = {past,   past + 1, 1000, -1,
                           -17,    INT_MAX,  INT_MIN,
                           PRC__STATUS_LIST_END};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_non_null(prc_status_name(unknown[i]));
        assert_non_null(prc_status_message(unknown[i]));
        assert_string_equal(prc_status_name(unknown[i]), "PRC_UNKNOWN");
        assert_string_equal(prc_status_message(unknown[i]), "unknown status");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_number_matches_macros),
        cmocka_unit_test(test_version_string_matches_macros),
        cmocka_unit_test(test_every_status_has_name_and_message),
        cmocka_unit_test(test_status_enum_values),
        cmocka_unit_test(test_unknown_status),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
