#!/usr/bin/python3
"""A data directory for timing every PINNacle task: the real files, small stand-ins for the rest.

    /usr/bin/python3 benchmarks/pinnacle_standin_data.py REAL_DIR OUT_DIR

OUT_DIR/ref/ gets a symbolic link to each file of REAL_DIR/ref/ and, for each
file a task needs that is not there, a tiny stand-in in the same format as the
synthetic files of the tests (tests/pde/test_pinnacle_*.cpp): coefficient and
initial-condition grids of 4 x 4 or 5 x 5 nodes, reference exports of a few
nodes. Training points are sampled from the geometry, not read, so the cost of a
training iteration is that of the real data; only the (untimed) evaluation
passes and the metrics differ. Prints the stand-ins written.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path


def grid(nodes: list[float], f) -> str:
    """A coefficient/initial grid table: x y value per line, x fastest."""
    return "".join(f"{x:.18e} {y:.18e} {f(x, y):.18e}\r\n" for y in nodes for x in nodes)


THIRDS = [0.0, 1.0 / 3, 2.0 / 3, 1.0]

STANDINS = {
    "burgers2d_init_u_0.dat": grid([0, 1, 2, 3, 4], lambda x, y: math.sin(x + 2 * y)),
    "burgers2d_init_v_0.dat": grid([0, 1, 2, 3, 4], lambda x, y: x * x + 0.5 * y * y),
    "burgers2d_0.dat": "% Model:              burgers2d.mph\r\n% Nodes:              3\r\n"
                       "% Expressions:        4\r\n"
                       "% X   Y   u (m/s) @ t=0   v (m/s) @ t=0   u (m/s) @ t=1   v (m/s) @ t=1\r\n"
                       "0     0     1  2  3  4\r\n4     0     5  6  7  8\r\n"
                       "1.5   2.5   9  10 11 12\r\n",
    "poisson_3d.dat": "% Model: stand-in\r\n0.1 0.1 0.1 0.5\r\n0.9 0.9 0.9 1.5\r\n"
                      "0.5 0.5 0.05 2\r\n",
    "poisson_manyarea.dat": "-9.5 -9.5 0.25\n3.0 7.0 -1.0\n",
    "heat_2d_coef_256.dat": grid(THIRDS, lambda x, y: 1 + round(3 * x) + 10 * round(3 * y)),
    "heat_complex.dat": "% Model:              heat_case3.mph\r\n% Nodes:              2\r\n"
                        "% X  Y  u (K) @ t=0  u (K) @ t=1.5  u (K) @ t=3\r\n"
                        "-8   12   0   0.25   0.5\r\n2.5  -1   0   1E-3   -2.5E-2\r\n",
    "darcy_2d_coef_256.dat": grid(THIRDS, lambda x, y: 1 + 3 * x + 15 * y),
    "wave_darcy.dat": "% Model:              wave_darcy.mph\n% Nodes:              2\n"
                      "% X  Y  u (1) @ t=0  u (1) @ t=2.5  u (1) @ t=5\n"
                      "0     0     1    2    3\n-0.5  0.25  4    5    6\n",
    "grayscott.dat": "".join(f"{x} {y} {t} {0.5 + k} {-0.25 * k}\n" for k, (t, y, x) in enumerate(
        (t, y, x) for t in (0.0, 10.0) for y in (-1.0, 1.0) for x in (-1.0, 1.0))),
}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    real, out = Path(argv[1]) / "ref", Path(argv[2]) / "ref"
    out.mkdir(parents=True, exist_ok=True)
    if real.is_dir():
        for f in sorted(real.iterdir()):
            (out / f.name).symlink_to(f.resolve())
    for name, text in STANDINS.items():
        if not (out / name).exists():
            (out / name).write_text(text)
            print(f"stand-in: ref/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
