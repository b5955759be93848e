/*
 * mpi_eval - prcurve-eval across MPI ranks.  Each rank feeds its share of
 * the file pairs to its own accumulator, the raw states are summed with one
 * MPI_Allreduce, and rank 0 prints the same summary (or --json object) as
 * prcurve-eval on all the files.  Nothing but the state array travels.
 *
 *     mpirun -np 4 mpi_eval --scores a.npy b.npy ... --labels a.png b.png ...
 *
 * Takes prcurve-eval's options; the i-th scores file pairs with the i-th
 * labels file (and the i-th --weights file), and pair i goes to rank
 * i mod (number of ranks).  With
 * --bootstrap, an image's replicate weights depend on the seed and the
 * image alone, never on the rank that feeds it, so the intervals equal
 * those of prcurve-eval on all the files.
 *
 * Messages: what every rank sees alike (the command line, the directory
 * listings, the reduced state) is reported by rank 0 alone; a problem with
 * one rank's own files by that rank.
 */
#include "eval.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

/* Keeps the pairs of this rank in config (the arrays point into argv). */
static int take_share(struct eval_config *config, int rank, int ranks)
{
    size_t i, kept = 0;

    if (config->n_scores != config->n_labels) {
        eval_show_messages(rank == 0, 0);
        eval_error("pairs files one to one: %zu scores files but %zu labels "
                   "files", config->n_scores, config->n_labels);
        return EVAL_USAGE_ERROR;
    }
    for (i = 0; i < config->n_scores; i++) {
        if (i % (size_t)ranks != (size_t)rank)
            continue;
        config->scores[kept] = config->scores[i];
        config->labels[kept] = config->labels[i];
        if (config->n_weights > 0)
            config->weights[kept] = config->weights[i];
        kept++;
    }
    config->n_scores = config->n_labels = kept;
    if (config->n_weights > 0)
        config->n_weights = kept;
    return EVAL_OK;
}

/* Sums every rank's state into acc on every rank; all ranks then hold the
 * same state, so rank 0 alone tells of a problem with it. */
static int reduce(prc_accumulator *acc, int rank)
{
    const uint64_t *state;
    uint64_t *sum;
    size_t length;
    prc_status status;
    int rc = EVAL_OK;

    prc_accumulator_state(acc, &state, &length);
    sum = malloc(length * sizeof *sum);
    if (sum == NULL) {
        eval_error("out of memory");
        return EVAL_DATA_ERROR;
    }
    MPI_Allreduce(state, sum, (int)length, MPI_UINT64_T, MPI_SUM,
                  MPI_COMM_WORLD);

    prc_accumulator_reset(acc);
    status = prc_accumulator_add_state(acc, sum, length);
    if (status != PRC_OK) {
        eval_show_messages(rank == 0, 0);
        eval_error("reduced state: %s", prc_status_message(status));
        rc = EVAL_DATA_ERROR;
    }
    free(sum);
    return rc;
}

static int evaluate(struct eval_config *config, int rank, int ranks)
{
    prc_accumulator *acc = NULL;
    int rc, worst;

    rc = take_share(config, rank, ranks);
    if (rc == EVAL_OK) {
        /* The options are every rank's alike: rank 0 tells what is wrong
         * with them. */
        eval_show_messages(rank == 0, 0);
        rc = eval_create_accumulator(config, &acc);
        eval_show_messages(1, !config->quiet);
    }
    if (rc == EVAL_OK && config->n_scores > 0)
        rc = eval_feed_files(config, acc);

    /* Every rank takes part in the reduction only if all of them fed. */
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (worst != EVAL_OK) {
        prc_accumulator_free(acc);
        return worst;
    }

    rc = reduce(acc, rank);
    /* TODO: with --keep-going, reduce the skipped-file counts across ranks
     * too; the report shows rank 0's own. */
    if (rc == EVAL_OK && rank == 0)
        rc = eval_report(config, acc);
    prc_accumulator_free(acc);
    return rc;
}

int main(int argc, char **argv)
{
    struct eval_config config;
    int rank, ranks, rc;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    eval_program = "mpi_eval";

    /* Every rank parses the same command line and lists the same
     * directories: rank 0 alone tells what is wrong with them. */
    eval_show_messages(rank == 0, rank == 0);
    rc = eval_parse_args(argc, argv, &config);
    eval_show_messages(1, !config.quiet);
    if (rc == EVAL_OK && (config.help || config.version)) {
        if (rank == 0)
            printf("mpi_eval (libprcurve %s): prcurve-eval's options; see "
                   "prcurve-eval --help\n", prc_version_string());
    } else if (rc == EVAL_OK) {
        rc = evaluate(&config, rank, ranks);
    }

    eval_config_free(&config);
    MPI_Finalize();
    return rc;
}
