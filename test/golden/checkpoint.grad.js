function f_grad(x0, steps) {
    const tape = f_grad_tape;
    tape.reset();
    const floats = tape.floats;
    let nf = 0;
    let x, i = 0, J = 0, t = 0, i_2 = 0, _t4 = 0, _t11 = 0, _t12 = 0, _T1 = 0, _ck1 = tape.checkpoints(1);
    const x0_b = new Float64Array(x0.length);
    let x_b, _t4_b = 0, _t8_b = 0, _t11_b = 0;
    // forward sweep
    x = new Float64Array(x0.length);
    x_b = new Float64Array(x.length);
    for (i = 0; i < x.length; i++) {
        x[i] = x0[i];
    }
    J = 0;
    // loop#1: binomial checkpointing, 3 saved states
    _T1 = 0;
    for (t = 0; t < steps; t++) {
        _T1++;
    }
    _ck1.begin(_T1, 3, 1 + x.length);
    for (let _k1 = 0; _k1 < _T1; _k1++) {
        if (_k1 === _ck1.shot) {
            const _s = _ck1.take();
            _s[0] = J;
            _s.set(x, 1);
        }
        for (i_2 = 0; i_2 < x.length; i_2++) {
            _t4 = x[i_2];
            x[i_2] = Math.sin(_t4) + 0.1 * _t4;
        }
        _t11 = x[0];
        _t12 = x[1];
        J += _t11 * _t12;
    }
    tape.mark();
    // reverse sweep
    for (;;) {
        const _op = _ck1.next();
        if (_op === 0) {
            break;
        }
        if (_op === 1) {
            // restore a saved state
            const _s = _ck1.state();
            J = _s[0];
            _ck1.load(x, 1);
        }
        else if (_op === 2) {
            // advance: run steps from..to-1 again
            for (let _k1 = _ck1.from; _k1 < _ck1.to; _k1++) {
                for (i_2 = 0; i_2 < x.length; i_2++) {
                    _t4 = x[i_2];
                    x[i_2] = Math.sin(_t4) + 0.1 * _t4;
                }
                _t11 = x[0];
                _t12 = x[1];
                J += _t11 * _t12;
            }
        }
        else if (_op === 3) {
            // save the state
            const _s = _ck1.state();
            _s[0] = J;
            _s.set(x, 1);
        }
        else {
            // reverse step from: run it with taping, then its adjoint
            for (i_2 = 0; i_2 < x.length; i_2++) {
                floats[nf++] = _t4;
                _t4 = x[i_2];
                x[i_2] = Math.sin(_t4) + 0.1 * _t4;
            }
            floats[nf++] = _t11;
            _t11 = x[0];
            floats[nf++] = _t12;
            _t12 = x[1];
            J += _t11 * _t12;
            tape.mark();
            _t11_b = _t12;
            _t12 = floats[--nf];
            x_b[1] += _t11;
            _t11 = floats[--nf];
            x_b[0] += _t11_b;
            for (i_2 = x.length - 1; i_2 >= 0; i_2--) {
                _t8_b = x_b[i_2];
                x_b[i_2] = 0;
                _t4_b += _t8_b * 0.1;
                _t4_b += _t8_b * Math.cos(_t4);
                _t4 = floats[--nf];
                x_b[i_2] += _t4_b;
                _t4_b = 0;
            }
        }
    }
    for (i = x.length - 1; i >= 0; i--) {
        x0_b[i] += x_b[i];
        x_b[i] = 0;
    }
    return x0_b;
}
