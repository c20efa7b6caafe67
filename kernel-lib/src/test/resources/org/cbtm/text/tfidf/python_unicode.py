#!/usr/bin/python3
"""Writes python-unicode.txt beside this script: what CPython's str and re do for every code point, in ranges.

The reference tokeniser (scikit-learn's token pattern (?u)\\b\\w\\w+\\b on str.lower()-ed text, numbers by
token[0].isdigit()) depends on three per-code-point answers and on the context rule of str.lower for capital sigma.
PythonStrTest compares ours with these for all code points. Run with the Python whose Unicode version the parity is
stated for (Debian's /usr/bin/python3: 3.11, unicodedata 14.0.0):

    /usr/bin/python3 kernel-lib/src/test/resources/org/cbtm/text/tfidf/python_unicode.py

Lines: '<property> <ranges>' (hex, 'a..b' or 'a'; a property may take several lines), and two values:
  assigned       general category is not Cn in Python's Unicode version (others may be assigned in a newer one)
  word           re (?u)\\w matches
  digit          str.isdigit()
  sigma-skipped  between a cased letter and capital sigma, or between sigma and a cased letter, str.lower skips it
                 (case-ignorable): 'A' + SIGMA + c + 'B' lowers to small sigma, 'A' + SIGMA + c to final sigma
  sigma-cased    cased and not case-ignorable: 'A' + SIGMA + c lowers to small sigma
  lower-crc32    CRC-32 of the UTF-8 of chr(c).lower() + '\\n' over the assigned code points that are not surrogates,
                 in order
"""
import os
import re
import sys
import unicodedata
import zlib

SIGMA = '\u03a3'


def ranges(pred):
    out = []
    start = None
    for cp in range(0x110001):
        inside = cp < 0x110000 and pred(cp)
        if inside and start is None:
            start = cp
        elif not inside and start is not None:
            out.append('%X' % start if start == cp - 1 else '%X..%X' % (start, cp - 1))
            start = None
    return out


def lines(name, items, width=110):
    out = []
    line = name
    for item in items:
        if len(line) + 1 + len(item) > width:
            out.append(line)
            line = name
        line += ' ' + item
    out.append(line)
    return out


def main():
    word = re.compile(r'(?u)\w')
    assigned = [unicodedata.category(chr(cp)) != 'Cn' for cp in range(0x110000)]
    skipped = []
    cased = []
    for cp in range(0x110000):
        c = chr(cp)
        with_letter = ('A' + SIGMA + c + 'B').lower()[1]
        at_end = ('A' + SIGMA + c).lower()[1]
        skipped.append(with_letter == '\u03c3' and at_end == '\u03c2')
        cased.append(at_end == '\u03c3')
    crc = 0
    for cp in range(0x110000):
        if assigned[cp] and not 0xD800 <= cp <= 0xDFFF:
            crc = zlib.crc32((chr(cp).lower() + '\n').encode('utf-8'), crc)
    out = ['# written by python_unicode.py; do not edit',
           'python ' + sys.version.split()[0],
           'unidata ' + unicodedata.unidata_version]
    out += lines('assigned', ranges(lambda cp: assigned[cp]))
    out += lines('word', ranges(lambda cp: word.match(chr(cp)) is not None))
    out += lines('digit', ranges(lambda cp: chr(cp).isdigit()))
    out += lines('sigma-skipped', ranges(lambda cp: skipped[cp]))
    out += lines('sigma-cased', ranges(lambda cp: cased[cp]))
    out.append('lower-crc32 %08X' % crc)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'python-unicode.txt')
    with open(path, 'w', encoding='ascii') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
