"""Gradient flow: BPTT through the reference cells is right, and the plain RNN's gradient vanishes where the gated cells' does not."""
from __future__ import annotations

import numpy as np
import pytest

from studyapp.lab import gradient_flow as gf


@pytest.mark.parametrize("cell", gf.CELLS)
def test_loss_and_grads_match_centred_differences(cell):
    rng = np.random.default_rng(0)
    params = gf.init_params(cell, 3, gf.INPUTS, rng)
    xs, v = gf.make_batch(rng, 4, 5)
    _loss, grads, norms = gf.loss_and_grads(cell, params, xs, v)
    assert norms.shape == (5,) and (norms > 0).all()
    eps = 1e-6
    for name, param in params.items():
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            old = param[index]
            param[index] = old + eps
            plus = gf.loss_and_grads(cell, params, xs, v)[0]
            param[index] = old - eps
            minus = gf.loss_and_grads(cell, params, xs, v)[0]
            param[index] = old
            numeric[index] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-9, err_msg=f"{cell} {name}")


def test_last_norm_is_the_readout_gradient():
    rng = np.random.default_rng(1)
    params = gf.init_params("rnn", 4, gf.INPUTS, rng)
    xs, v = gf.make_batch(rng, 8, 6)
    _loss, _grads, norms = gf.loss_and_grads("rnn", params, xs, v)
    h_T = gf.forward("rnn", params, xs)[-1][0]
    err = h_T @ params["Wy"] + params["by"] - v
    assert norms[-1] == pytest.approx(np.linalg.norm(err @ params["Wy"].T / 8))


@pytest.fixture(scope="module")
def flow():
    # T = 20: with T = 50 and 300 Adam steps no cell learns the task and every gradient vanishes (see the lab report)
    return gf.run(gf.FlowSettings(steps=20, train_steps=200, seed=0))


def test_gated_cells_keep_the_gradient_plain_rnn_loses_it(flow):
    rnn, lstm, gru = flow.flows["rnn"], flow.flows["lstm"], flow.flows["gru"]
    for gated in (lstm, gru):
        assert gated.ratio_after >= 100 * rnn.ratio_after
        assert gated.loss_after < 0.01  # the gated cells learned to carry x1 over 20 steps
    assert rnn.ratio_after < 1e-3
    assert rnn.loss_after > 0.05  # the plain RNN did not (the variance of the target is 1/3, loss 1/6)
    # at initialization nothing reaches back well: all three decay by about two orders over 20 steps
    for f in (rnn, lstm, gru):
        assert f.ratio_before < 0.05
    assert len(rnn.before) == 20 and np.isfinite(rnn.after).all()


def test_plot_and_summary(flow, tmp_path):
    path = tmp_path / "flow.png"
    gf.save_plot(flow, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    s = flow.summary()
    assert set(s["cells"]) == {"rnn", "lstm", "gru"} and len(s["cells"]["lstm"]["norms_after"]) == 20
    assert "forget gate 1" in gf.init_note(flow.settings)


def test_settings_are_validated():
    with pytest.raises(ValueError):
        gf.FlowSettings(cells=("rnn", "transformer"))
    with pytest.raises(ValueError):
        gf.FlowSettings(steps=1)
