"""Binary-addition trainer: learns with the hands-on settings, equals the transcription, BPTT is right, divergence and cancel are clean."""
from __future__ import annotations

import threading
import time
import warnings

import numpy as np
import pytest

from studyapp.lab import binary_addition as ba
from studyapp.lab import handson_transcription


@pytest.fixture(scope="module")
def default_run():
    return ba.train()


def test_default_settings_learn_the_task(default_run):
    r = default_run
    assert r.settings == ba.Settings()  # hidden 16, normal std 1, lr 0.1, sigmoid, 10,000 iterations, seed 0
    assert r.iterations == 10000 and not r.diverged and not r.cancelled
    assert r.accuracy >= 0.95  # over the last 1,000 samples
    assert r.final_loss < 0.05
    assert len(r.history) == 100 and r.history[-1].iteration == 10000
    assert r.history[0].loss > 10 * r.history[-1].loss


def test_exact_derivative_also_learns():
    r = ba.train(output_derivative="exact")
    assert r.accuracy >= 0.95 and not r.diverged


def test_transcription_reaches_100_percent_and_trainer_reproduces_it(default_run):
    t = handson_transcription.run(iters_num=10000, seed=0)
    assert t.accuracy(last=1000) == 1.0
    assert len(t.all_losses) == 100
    # same model, same samples, same arithmetic: the fast trainer gives the same numbers
    np.testing.assert_allclose(default_run.losses, t.losses, rtol=1e-8, atol=1e-12)
    assert default_run.correct.tolist() == t.correct


def test_relu_preset_reports_divergence_cleanly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning either
        r = ba.train(activation="relu")
    assert r.diverged and not r.cancelled
    assert r.diverged_at is not None and 0 <= r.diverged_at < 100
    assert r.iterations == r.diverged_at  # iterations before the one that overflowed
    assert f"diverged at iteration {r.diverged_at}" in r.message and "overflow" in r.message
    assert np.isfinite(r.losses).all()
    s = r.summary()
    assert s["diverged"] is True and s["diverged_at"] == r.diverged_at


@pytest.mark.parametrize("activation", ba.ACTIVATIONS)
def test_bptt_matches_centred_differences(activation):
    rng = np.random.default_rng(3)
    H = 5
    W_in, W, W_out = rng.normal(0, 0.8, (2, H)), rng.normal(0, 0.8, (H, H)), rng.normal(0, 0.8, (H, 1))
    X, D = ba.encode(77, 45)
    _loss, _y, dW_in, dW, dW_out = ba.forward_backward(W_in, W, W_out, X, D, activation, "exact")
    eps = 1e-6
    for param, grad in ((W_in, dW_in), (W, dW), (W_out, dW_out)):
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            old = param[index]
            param[index] = old + eps
            plus = ba.forward_backward(W_in, W, W_out, X, D, activation, "exact")[0]
            param[index] = old - eps
            minus = ba.forward_backward(W_in, W, W_out, X, D, activation, "exact")[0]
            param[index] = old
            numeric[index] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_handson_derivative_only_changes_the_output_delta():
    rng = np.random.default_rng(1)
    W_in, W, W_out = rng.normal(size=(2, 4)), rng.normal(size=(4, 4)), rng.normal(size=(4, 1))
    X, D = ba.encode(10, 20)
    exact = ba.forward_backward(W_in, W, W_out, X, D, "sigmoid", "exact")
    notes = ba.forward_backward(W_in, W, W_out, X, D, "sigmoid", "handson")
    assert exact[0] == notes[0]
    np.testing.assert_array_equal(exact[1], notes[1])
    assert not np.allclose(exact[4], notes[4])


@pytest.mark.parametrize("init", ba.INITS)
def test_initializations(init):
    w = ba.init_weights(ba.Settings(init=init, hidden_size=100, weight_init_std=3.0), np.random.RandomState(0))
    expected = {"normal": 3.0, "xavier": 1 / np.sqrt(100), "he": np.sqrt(2 / 100)}[init]
    assert w["W"].std() == pytest.approx(expected, rel=0.05)
    assert w["W_in"].shape == (2, 100) and w["W_out"].shape == (100, 1)


def test_progress_reports_and_reproducibility():
    seen = []
    r1 = ba.train(iterations=500, report_interval=100, seed=7, progress=seen.append)
    r2 = ba.train(iterations=500, report_interval=100, seed=7)
    assert [p.iteration for p in seen] == [100, 200, 300, 400, 500]
    p = seen[-1]
    assert p.sample == f"{p.a} + {p.b} = {p.prediction}" and 0 <= p.a < 128 and 0 <= p.b < 128
    np.testing.assert_array_equal(r1.losses, r2.losses)
    assert ba.train(iterations=500, seed=8).losses[0] != r1.losses[0]


def test_cancel_stops_within_100_ms():
    cancel = threading.Event()
    first = threading.Event()
    result = {}

    def work():
        result["r"] = ba.train(iterations=10_000_000, report_interval=50, cancel=cancel,
                               progress=lambda _p: first.set())
        result["done"] = time.perf_counter()

    thread = threading.Thread(target=work)
    thread.start()
    assert first.wait(10)
    asked = time.perf_counter()
    cancel.set()
    thread.join(5)
    assert not thread.is_alive()
    r = result["r"]
    assert r.cancelled and not r.diverged and 0 < r.iterations < 10_000_000
    assert result["done"] - asked < 0.1
    assert ba.train(iterations=100, cancel=lambda: True).iterations == 0


def test_settings_are_validated():
    with pytest.raises(ValueError):
        ba.Settings(activation="softplus")
    with pytest.raises(ValueError):
        ba.Settings(init="orthogonal")
    with pytest.raises(ValueError):
        ba.Settings(hidden_size=0)
