"""The man page prcurve-eval.1: groff renders it without a warning when
groff is installed (otherwise a structural check of the troff source), and
it documents every option that --help lists."""

import argparse
import os
import re
import shutil
import subprocess

from cli_common import Checker, Tool

SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS",
            "EXAMPLES"]


def check_structure(c, text):
    lines = text.split("\n")
    c.check(lines[0].startswith(".TH PRCURVE-EVAL 1 "),
            "the first line is not .TH PRCURVE-EVAL 1")
    found = [re.sub(r'^\.SH\s+"?|"$', "", x) for x in lines
             if x.startswith(".SH")]
    c.check(found[:len(SECTIONS)] == SECTIONS,
            "sections are %r, expected %r first" % (found, SECTIONS))
    known = {"TH", "SH", "SS", "TP", "PP", "RS", "RE", "nf", "fi", "B", "I",
             "BI", "BR", "IR", "RI", "RB", "br"}
    for number, line in enumerate(lines, 1):
        if line.startswith("."):
            macro = line[1:].split()[0] if line[1:].split() else ""
            c.check(macro in known, "line %d: unknown macro %r"
                    % (number, macro))
        c.check(not line.startswith("'") and not line.rstrip() != line,
                "line %d: leading quote or trailing space" % number)


def check_rendering(c, page):
    groff = shutil.which("groff")
    if groff is None:
        print("groff not found: checked the troff structure only")
        return
    proc = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", page],
                          stderr=subprocess.PIPE, universal_newlines=True,
                          env=dict(os.environ, LC_ALL="C"))
    c.check(proc.returncode == 0 and proc.stderr == "",
            "groff warns: %r" % proc.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--page", required=True)
    args = parser.parse_args()
    tool, c = Tool(args.eval), Checker()
    with open(args.page) as f:
        text = f.read()
    check_structure(c, text)
    check_rendering(c, args.page)

    plain = text.replace("\\-", "-")
    for option in sorted(set(re.findall(r"--[a-z][a-z-]*",
                                        tool.ok("--help")))):
        c.check(option in plain, "the man page lacks %s" % option)
    c.finish("man page")


if __name__ == "__main__":
    main()
