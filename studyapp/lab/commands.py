"""CLI: ``studyapp lab binary-addition [...]`` and ``studyapp lab gradient-flow [...]``.

    studyapp lab binary-addition [--hidden 16 --lr 0.1 --init normal --std 1 --activation sigmoid
                                  --iters 10000 --seed 0] [--exact-derivative] [--json] [--plot FILE.png]
    studyapp lab gradient-flow [--cells rnn,lstm,gru --steps 50 --train-steps 300 --seed 0] [--json] [--plot FILE.png]

Exit codes: 0 done (a diverged run is a result, not an error: it is reported
with ``"diverged": true``), 1 the plot could not be written, 2 a usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _float_or_usage(text: str) -> float:
    try:
        return float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc


def _binary_addition(args: argparse.Namespace) -> int:
    from .binary_addition import Settings, train

    try:
        settings = Settings(hidden_size=args.hidden, init=args.init, weight_init_std=args.std,
                            learning_rate=args.lr, activation=args.activation, iterations=args.iters,
                            seed=args.seed, report_interval=args.report_interval,
                            output_derivative="exact" if args.exact_derivative else "handson")
    except ValueError as exc:
        print(f"studyapp lab binary-addition: {exc}", file=sys.stderr)
        return 2

    def show(p: Any) -> None:
        print(f"iter {p.iteration:6d}  loss {p.loss:.4f}  accuracy {100 * p.accuracy:5.1f}%  {p.sample}")

    result = train(settings, progress=None if args.json else show)
    if args.json:
        json.dump(result.summary(), sys.stdout)
        sys.stdout.write("\n")
    else:
        if result.diverged:
            print(result.message)
        print(f"{result.iterations} iterations in {result.seconds:.2f} s: final loss {result.final_loss:.4f}, "
              f"accuracy over the last {min(settings.window, result.iterations)} samples {100 * result.accuracy:.1f}%")
    return _write_plot(plot_binary_addition, result, args)


def plot_binary_addition(result: Any, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4), dpi=110, layout="constrained")
    ax = figure.add_subplot()
    xs = [p.iteration for p in result.history]
    ax.plot(xs, [p.loss for p in result.history], label="loss")
    ax.set_xlabel("iteration")
    ax.set_ylabel("mean loss per sample")
    acc = ax.twinx()
    acc.plot(xs, [100 * p.accuracy for p in result.history], color="#55a868", linestyle="--", label="accuracy")
    acc.set_ylabel("accuracy (%)")
    acc.set_ylim(-2, 102)
    title = result.settings.label()
    if result.diverged:
        title += f" · diverged at {result.diverged_at}"
    ax.set_title(title, fontsize=10)
    figure.legend(loc="outside lower center", ncol=2, frameon=False)
    figure.savefig(path, format="png")


def _gradient_flow(args: argparse.Namespace) -> int:
    from .gradient_flow import FlowSettings, run, save_plot

    cells = tuple(c.strip().lower() for c in args.cells.split(",") if c.strip())
    try:
        settings = FlowSettings(cells=cells, steps=args.steps, hidden_size=args.hidden, train_steps=args.train_steps,
                                seed=args.seed)
    except ValueError as exc:
        print(f"studyapp lab gradient-flow: {exc}", file=sys.stderr)
        return 2
    result = run(settings)
    if args.json:
        json.dump(result.summary(), sys.stdout)
        sys.stdout.write("\n")
    else:
        print(f"‖∂L/∂h_1‖ / ‖∂L/∂h_T‖, T = {settings.steps}:")
        for name, flow in result.flows.items():
            print(f"  {name:5s} at init {flow.ratio_before:9.3g}   after {settings.train_steps} steps {flow.ratio_after:9.3g}"
                  f"   loss {flow.loss_before:.4f} → {flow.loss_after:.4f}")
    return _write_plot(save_plot, result, args)


def _write_plot(save: Any, result: Any, args: argparse.Namespace) -> int:
    """Write ``--plot`` if asked; 1 with a message when the file cannot be written."""
    if args.plot:
        try:
            save(result, args.plot)
        except OSError as exc:
            print(f"cannot write {args.plot}: {exc}", file=sys.stderr)
            return 1
        if not args.json:
            print(f"plot written to {args.plot}")
    return 0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from .binary_addition import ACTIVATIONS, INITS

    lab = subparsers.add_parser("lab", help="hands-on experiments: binary addition with a simple RNN, gradient flow")
    sub = lab.add_subparsers(dest="lab_command", metavar="EXPERIMENT")

    ba = sub.add_parser("binary-addition", parents=[common],
                        help="train the notes' simple RNN on 8-bit binary addition")
    ba.add_argument("--hidden", type=int, default=16, help="hidden layer size (default 16)")
    ba.add_argument("--lr", type=_float_or_usage, default=0.1, help="learning rate (default 0.1)")
    ba.add_argument("--init", choices=INITS, default="normal", help="weight initialization (default normal)")
    ba.add_argument("--std", type=_float_or_usage, default=1.0, help="std of the normal initialization (default 1)")
    ba.add_argument("--activation", choices=ACTIVATIONS, default="sigmoid", help="hidden activation (default sigmoid)")
    ba.add_argument("--iters", type=int, default=10000, help="iterations, one sample each (default 10000)")
    ba.add_argument("--seed", type=int, default=0)
    ba.add_argument("--report-interval", type=int, default=1000, help="print progress every N iterations")
    ba.add_argument("--exact-derivative", action="store_true",
                    help="use the exact output derivative y(1-y) instead of the notes' d_sigmoid(y)")
    ba.add_argument("--json", action="store_true",
                    help='print {"iterations", "final_loss", "accuracy", "seconds", "diverged", "diverged_at"}')
    ba.add_argument("--plot", metavar="FILE.png", help="save the loss and accuracy curves")
    ba.set_defaults(func=_binary_addition)

    gf = sub.add_parser("gradient-flow", parents=[common],
                        help="‖∂L/∂h_t‖ against t for RNN, LSTM and GRU, before and after training")
    gf.add_argument("--cells", default="rnn,lstm,gru", help="comma-separated: rnn, lstm, gru")
    gf.add_argument("--steps", type=int, default=50, help="sequence length T (default 50)")
    gf.add_argument("--hidden", type=int, default=16)
    gf.add_argument("--train-steps", type=int, default=300, help="Adam steps per cell (default 300)")
    gf.add_argument("--seed", type=int, default=0)
    gf.add_argument("--json", action="store_true")
    gf.add_argument("--plot", metavar="FILE.png", help="save the plot")
    gf.set_defaults(func=_gradient_flow)
    lab.set_defaults(func=lambda _args: (lab.print_help(sys.stderr), 2)[1])
