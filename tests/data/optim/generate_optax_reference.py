#!/usr/bin/python3
"""Reference trajectories for pinnbench's Optax-style L-BFGS (``lbfgs_optax``).

JAX and Optax are not installable on the machines this project is built on, so
the reference is an independent NumPy transcription of ``optax.lbfgs`` (memory
m, ``scale_init_precond=True``, ``scale(-1)``, ``scale_by_zoom_linesearch`` with
Optax's defaults), written from the algorithm's description in the project's
specification (``shared/spec/failure_modes.md`` section 4.1), not from the C++
code it checks.  It runs in float64 with NumPy's own reductions (BLAS dot
products), so the C++ optimiser agrees to rounding error, not bit for bit.

Where the specification is silent this script makes the choices below, and the
C++ code documents the same ones:

* the cubic's third point (``cubic_ref``) starts at step 0 with f(0), as in the
  SciPy/JAX zoom that Optax's is derived from, and is not moved while bracketing;
* ``delta`` in the interval-too-small failure test is the width of the interval
  the zoom candidate was drawn from;
* a bracketing trial with ``dec <= 0`` replaces the safe step unconditionally, a
  zoom trial only if its value is also below the safe value;
* success (both errors <= tol) is checked before any failure test.

Regenerate (from the repository root)::

    /usr/bin/python3 tests/data/optim/generate_optax_reference.py

Problems: the 10-D Rosenbrock and the 30 x 12 least-squares problem of
``generate_reference.py`` (same definitions).  Scenarios and the file format
are those of ``generate_reference.py`` (``E`` line per function evaluation,
``S`` line per iteration), with ``# generator:`` in place of ``# torch:``; one
``step`` is one L-BFGS iteration (one Optax ``update``), whose first evaluation
(only in iteration 0) is the value and gradient at the starting point.  ``S``
carries the loss at the accepted point.

``zoom_*.txt``: traces of the line search alone on constructed 1-D functions
(one per branch); see ``ONE_D`` below.  Format: ``# function: <name>``, then
``T <trial> <stepsize> <value> <slope> <event>`` per evaluation and
``R <stepsize> <value> <slope> <succeeded> <took_safe> <evaluations>``.
"""
import argparse
import math
import os

import numpy as np

# --- problems (as in generate_reference.py) -----------------------------------------


def rosenbrock(x):
    f = 0.0
    g = np.zeros_like(x)
    for i in range(len(x) - 1):
        u = x[i + 1] - x[i] * x[i]
        v = 1.0 - x[i]
        f += 100.0 * (u * u) + v * v
        du = 100.0 * (2.0 * u)
        g[i] += -du * (2.0 * x[i]) - 2.0 * v
        g[i + 1] += du
    return f, g


M_LS, N_LS = 30, 12
A_LS = np.array([[math.cos(0.37 * (i + 1) * (j + 1)) + (0.1 if i == j else 0.0)
                  for j in range(N_LS)] for i in range(M_LS)])
B_LS = np.array([math.sin(0.5 * (i + 1)) for i in range(M_LS)])


def least_squares(x):
    r = A_LS @ x - B_LS
    return float(np.sum(r * r) / M_LS), A_LS.T @ ((2.0 / M_LS) * r)


PROBLEMS = {
    "rosenbrock": (rosenbrock, np.array([-1.2 if i % 2 == 0 else 1.0 for i in range(10)])),
    "least_squares": (least_squares, np.zeros(N_LS)),
}

# --- the zoom line search (spec 4.1) --------------------------------------------------

C1, C2, C3 = 1e-4, 0.9, 1e-6
MAX_STEPS, TOL, INCREASE, PRECISION = 20, 0.0, 2.0, 1e-5


def nan_to_inf(v):
    return math.inf if math.isnan(v) else float(v)


def decrease_error(eta, f, slope, f0, slope0):
    """max(0, min(Armijo error, approximate-decrease error)); a NaN anywhere
    propagates (np.minimum/np.maximum) and reads as +inf."""
    armijo = np.float64(f) - f0 - C1 * eta * slope0
    approx = np.maximum(np.float64(slope) - (2.0 * C1 - 1.0) * slope0,
                        np.float64(f) - f0 - C3 * abs(f0))
    return max(0.0, nan_to_inf(np.minimum(armijo, approx)))


def curvature_error(slope, slope0):
    return max(0.0, nan_to_inf(abs(np.float64(slope)) - C2 * abs(slope0)))


def cubic_min(a, fa, fpa, b, fb, c, fc):
    """Minimiser of the cubic through (a, fa) with slope fpa, (b, fb), (c, fc).
    Written with explicit products (no powers), the order the C++ mirrors."""
    a, fa, fpa, b, fb, c, fc = (np.float64(v) for v in (a, fa, fpa, b, fb, c, fc))
    with np.errstate(all="ignore"):
        db = b - a
        dc = c - a
        denom = (db * dc) * (db * dc) * (db - dc)
        rb = fb - fa - fpa * db
        rc = fc - fa - fpa * dc
        A = (dc * dc * rb - db * db * rc) / denom
        B = (-(dc * dc * dc) * rb + db * db * db * rc) / denom
        radical = B * B - 3.0 * A * fpa
        return float(a + (-B + np.sqrt(radical)) / (3.0 * A))


def quad_min(a, fa, fpa, b, fb):
    """Minimiser of the quadratic through (a, fa) with slope fpa and (b, fb)."""
    a, fa, fpa, b, fb = (np.float64(v) for v in (a, fa, fpa, b, fb))
    with np.errstate(all="ignore"):
        db = b - a
        B = (fb - fa - fpa * db) / (db * db)
        return float(a - fpa / (2.0 * B))


def zoom_linesearch(evaluate, f0, slope0, trace=None):
    """evaluate(eta) -> (f, slope, token).  Returns (eta, f, slope, token,
    succeeded, took_safe, evaluations); token identifies the accepted trial
    (None for the origin)."""
    safe = (0.0, f0, slope0, None)
    low = (0.0, f0, slope0)
    high = (0.0, f0, slope0)
    ref = (0.0, f0)
    prev = (0.0, f0, slope0)
    interval = False
    count = 0
    eta = 0.0
    while True:
        if not interval:
            eta = 1.0 if count == 0 else prev[0] * INCREASE
            width = None
            event = "bracket"
        else:
            delta = abs(high[0] - low[0])
            left, right = min(low[0], high[0]), max(low[0], high[0])
            cubic = cubic_min(low[0], low[1], low[2], high[0], high[1], ref[0], ref[1])
            quad = quad_min(low[0], low[1], low[2], high[0], high[1])
            if left + 0.2 * delta < cubic < right - 0.2 * delta:
                eta, event = cubic, "cubic"
            elif left + 0.1 * delta < quad < right - 0.1 * delta:
                eta, event = quad, "quadratic"
            else:
                eta, event = 0.5 * (low[0] + high[0]), "bisection"
            width = delta
        f, slope, token = evaluate(eta)
        count += 1
        dec = decrease_error(eta, f, slope, f0, slope0)
        curv = curvature_error(slope, slope0)
        if not interval:
            if dec <= 0.0:
                safe = (eta, f, slope, token)
            if max(dec, curv) <= TOL:
                outcome = "success"
            elif dec > 0.0 or (count > 1 and f >= prev[1]):
                low, high = prev, (eta, f, slope)
                interval = True
                outcome = "interval_high_new"
            elif slope >= 0.0:
                low, high = (eta, f, slope), prev
                interval = True
                outcome = "interval_low_new"
            else:
                outcome = "extend"
            prev = (eta, f, slope)
        else:
            if dec <= 0.0 and f < safe[1]:
                safe = (eta, f, slope, token)
            if max(dec, curv) <= TOL:
                outcome = "success"
            elif dec > 0.0 or f >= low[1]:
                ref = (high[0], high[1])
                high = (eta, f, slope)
                outcome = "high_to_trial"
            else:
                if slope * (high[0] - low[0]) >= 0.0:
                    ref = (high[0], high[1])
                    high = low
                    outcome = "high_to_low"
                else:
                    ref = (low[0], low[1])
                    outcome = "low_to_trial"
                low = (eta, f, slope)
        if trace is not None:
            trace.append((count - 1, eta, f, slope, event + ":" + outcome))
        if outcome == "success":
            return eta, f, slope, token, True, False, count
        safe_exists = safe[0] > 0.0
        failed = count >= MAX_STEPS or (width is not None and width <= PRECISION and safe_exists)
        if failed:
            if safe_exists or not math.isfinite(f):
                return safe[0], safe[1], safe[2], safe[3], False, True, count
            return eta, f, slope, token, False, False, count


# --- L-BFGS (scale_by_lbfgs with scale_init_precond, scale(-1), zoom) ----------------


def lbfgs_optax(fun, x0, iterations, memory, record):
    x = np.array(x0, dtype=np.float64)
    n = len(x)
    S = np.zeros((memory, n))
    Y = np.zeros((memory, n))
    rho = np.zeros(memory)
    x_prev = np.zeros(n)
    g_prev = np.zeros(n)
    f, g = fun(x)
    record("E", 0, f, x)
    for k in range(iterations):
        if k > 0:
            s = x - x_prev
            y = g - g_prev
            ys = float(np.dot(y, s))
            yy = float(np.dot(y, y))
            slot = (k - 1) % memory
            S[slot], Y[slot] = s, y
            rho[slot] = 1.0 / ys if ys != 0.0 else 0.0
            gamma = ys / yy if yy > 0.0 else 1.0
        else:
            gamma = min(1.0, 1.0 / float(np.linalg.norm(g)))
        x_prev, g_prev = x.copy(), g.copy()
        order = [(k % memory + j) % memory for j in range(memory)]
        q = g.copy()
        alpha = np.zeros(memory)
        for i in reversed(order):
            alpha[i] = rho[i] * float(np.dot(S[i], q))
            q = q - alpha[i] * Y[i]
        r = gamma * q
        for i in order:
            beta = rho[i] * float(np.dot(Y[i], r))
            r = r + (alpha[i] - beta) * S[i]
        d = -r
        slope0 = float(np.dot(g, d))
        origin = x.copy()

        def evaluate(eta):
            point = origin + eta * d
            fv, gv = fun(point)
            record("E", k, fv, point)
            return fv, float(np.dot(gv, d)), (point, fv, gv)

        eta, fv, _, token, _, _, _ = zoom_linesearch(evaluate, f, slope0)
        if token is not None:
            x, f, g = token
        record("S", k, f, x)
    return x


SCENARIOS = {
    # name: (problem, iterations, memory)
    "optax_rosenbrock": ("rosenbrock", 60, 10),
    "optax_rosenbrock_memory3": ("rosenbrock", 60, 3),
    "optax_rosenbrock_memory100": ("rosenbrock", 60, 100),
    "optax_least_squares": ("least_squares", 25, 10),
}

# --- 1-D functions for the line-search branches ---------------------------------------
# Each is phi(eta) = f(x0 + eta d) along a descent direction (phi'(0) < 0); the
# comment says which branch it is built to reach.


def quadratic(c):
    # phi = (eta - c)^2 - c^2, minimum at eta = c.
    return lambda e: ((e - c) ** 2 - c * c, 2.0 * (e - c))


def quartic_valley(e):
    # steep far side: 1 overshoots, the zoom needs cubic steps.
    return (e ** 4 - 0.5 * e, 4.0 * e ** 3 - 0.5)


def nan_beyond(limit, base):
    def phi(e):
        if e > limit:
            return (math.nan, math.nan)
        return base(e)
    return phi


def rise_after_one(e):
    # slope -1 up to 1, then +0.95: the second trial's value is above the first's
    # while both decrease conditions hold (the "f >= f_prev" bracketing test).
    return (-e, -1.0) if e <= 1.0 else (-1.0 + 0.95 * (e - 1.0), 0.95)


def wall_after(e):
    # slope -1 up to 0.9, then +5: the first trial decreases enough but has a
    # large positive slope, so it becomes the low end of a reversed interval.
    return (-e, -1.0) if e < 0.9 else (-0.9 + 5.0 * (e - 0.9), 5.0)


def kinked(e):
    # |.|-like: no point satisfies the curvature test near the kink at 0.3, so
    # the interval shrinks below the precision with a safe step known.
    return (abs(e - 0.3) - 0.3, 1.0 if e > 0.3 else -1.0)


def always_descending(e):
    # linear decrease: the bracketing phase doubles until the step budget runs out.
    return (-e, -1.0)


def ascent(e):
    # an ascent direction: nothing is ever safe, the last trial is taken.
    return (e, 1.0)


ONE_D = {
    "zoom_accept_first": (quadratic(1.0), 0.0, -2.0),
    "zoom_extend_then_accept": (quadratic(20.0), 0.0, -40.0),
    "zoom_low_new": (wall_after, 0.0, -1.0),
    "zoom_overshoot": (quartic_valley, 0.0, -0.5),
    "zoom_nan": (nan_beyond(0.6, quadratic(0.25)), 0.0, -0.5),
    "zoom_all_nan": (lambda e: (math.nan, math.nan), 0.0, -1.0),
    "zoom_value_rise": (rise_after_one, 0.0, -1.0),
    "zoom_kink_precision": (kinked, 0.0, -1.0),
    "zoom_max_steps": (always_descending, 0.0, -1.0),
    "zoom_ascent": (ascent, 0.0, 1.0),
}


def write_one_d(name, out_dir):
    phi, f0, slope0 = ONE_D[name]
    trace = []
    result = zoom_linesearch(lambda e: phi(e) + (None,), f0, slope0, trace)
    eta, f, slope, _, succeeded, took_safe, count = result
    path = os.path.join(out_dir, name + ".txt")
    with open(path, "w") as out:
        out.write("# function: %s\n" % name)
        out.write("# f0: %r\n# slope0: %r\n" % (f0, slope0))
        for trial, e, fv, sv, event in trace:
            out.write("T %d %r %r %r %s\n" % (trial, e, fv, sv, event))
        out.write("R %r %r %r %d %d %d\n" % (eta, f, slope, succeeded, took_safe, count))


def write_scenario(name, out_dir):
    problem, iterations, memory = SCENARIOS[name]
    fun, x0 = PROBLEMS[problem]
    lines = []
    counter = [0]

    def record(tag, k, f, x):
        xs = " ".join(repr(float(v)) for v in x)
        if tag == "E":
            lines.append("E %d %d %r %s" % (k, counter[0], float(f), xs))
            counter[0] += 1
        else:
            lines.append("S %d %r %s" % (k, float(f), xs))

    lbfgs_optax(fun, x0, iterations, memory, record)
    path = os.path.join(out_dir, name + ".txt")
    with open(path, "w") as out:
        out.write("# scenario: %s\n# problem: %s\n" % (name, problem))
        out.write("# optimizer: lbfgs_optax memory_size=%d scale_init_precond=true "
                  "max_linesearch_steps=%d\n" % (memory, MAX_STEPS))
        out.write("# generator: numpy %s transcription of spec 4.1\n" % np.__version__)
        out.write("# steps: %d\n# n: %d\n" % (iterations, len(x0)))
        out.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    for name in SCENARIOS:
        write_scenario(name, args.out)
    for name in ONE_D:
        write_one_d(name, args.out)


if __name__ == "__main__":
    main()
