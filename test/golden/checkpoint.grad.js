function f_grad(x0, steps) {
    const tape = f_grad_tape;
    tape.reset();
    let f_result = 0, _t0 = 0, x, i = 0, _t1 = 0, _t2 = 0, _t3 = false, J = 0, t = 0, i_2 = 0, _t4 = 0, _t5 = 0, _t7 = 0, _t8 = 0, _t9 = 0, _t10 = false, _t11 = 0, _t12 = 0, _t13 = 0, _n0 = 0, _T1 = 0, _n2 = 0, _ck1 = tape.checkpoints(1);
    const x0_b = new Float64Array(x0.length);
    let f_result_b = 0, x_b, _t1_b = 0, J_b = 0, _t4_b = 0, _t5_b = 0, _t7_b = 0, _t8_b = 0, _t11_b = 0, _t12_b = 0, _t13_b = 0;
    // forward sweep
    _t0 = x0.length;
    x = new Float64Array(_t0);
    x_b = new Float64Array(x.length);
    i = 0;
    _n0 = 0;
    for (;;) {
        _t2 = x.length;
        _t3 = i < _t2;
        if (!_t3) {
            break;
        }
        _t1 = x0[i];
        x[i] = _t1;
        i = i + 1;
        _n0 += 1;
    }
    J = 0;
    t = 0;
    // loop#1: binomial checkpointing, 3 saved states
    _T1 = 0;
    while (t < steps) {
        _T1++;
        t = t + 1;
    }
    _ck1.begin(_T1, 3, 1 + x.length);
    for (let _k1 = 0; _k1 < _T1; _k1++) {
        if (_k1 === _ck1.shot) {
            const _s = _ck1.take();
            _s[0] = J;
            _s.set(x, 1);
        }
        t = _k1;
        i_2 = 0;
        for (;;) {
            _t9 = x.length;
            _t10 = i_2 < _t9;
            if (!_t10) {
                break;
            }
            _t4 = x[i_2];
            _t5 = Math.sin(_t4);
            _t7 = 0.1 * _t4;
            _t8 = _t5 + _t7;
            x[i_2] = _t8;
            i_2 = i_2 + 1;
        }
        _t11 = x[0];
        _t12 = x[1];
        _t13 = _t11 * _t12;
        J = J + _t13;
        t = t + 1;
    }
    f_result = J;
    tape.mark();
    // reverse sweep
    f_result_b = 1;
    J_b += f_result_b;
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
                t = _k1;
                i_2 = 0;
                for (;;) {
                    _t9 = x.length;
                    _t10 = i_2 < _t9;
                    if (!_t10) {
                        break;
                    }
                    _t4 = x[i_2];
                    _t5 = Math.sin(_t4);
                    _t7 = 0.1 * _t4;
                    _t8 = _t5 + _t7;
                    x[i_2] = _t8;
                    i_2 = i_2 + 1;
                }
                _t11 = x[0];
                _t12 = x[1];
                _t13 = _t11 * _t12;
                J = J + _t13;
                t = t + 1;
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
            t = _ck1.from;
            i_2 = 0;
            _n2 = 0;
            for (;;) {
                _t9 = x.length;
                _t10 = i_2 < _t9;
                if (!_t10) {
                    break;
                }
                tape.floats.push(_t4);
                _t4 = x[i_2];
                _t5 = Math.sin(_t4);
                _t7 = 0.1 * _t4;
                _t8 = _t5 + _t7;
                x[i_2] = _t8;
                i_2 = i_2 + 1;
                _n2 += 1;
            }
            tape.ints.push(_n2);
            tape.floats.push(_t11);
            _t11 = x[0];
            tape.floats.push(_t12);
            _t12 = x[1];
            _t13 = _t11 * _t12;
            J = J + _t13;
            t = t + 1;
            tape.mark();
            t = _ck1.from;
            _t13_b += J_b;
            _t11_b += _t13_b * _t12;
            _t12_b += _t13_b * _t11;
            _t13_b = 0;
            _t12 = tape.floats.pop();
            x_b[1] += _t12_b;
            _t12_b = 0;
            _t11 = tape.floats.pop();
            x_b[0] += _t11_b;
            _t11_b = 0;
            _n2 = tape.ints.pop();
            for (i_2 = _n2 - 1; i_2 >= 0; i_2--) {
                _t8_b += x_b[i_2];
                x_b[i_2] = 0;
                _t5_b += _t8_b;
                _t7_b += _t8_b;
                _t8_b = 0;
                _t4_b += _t7_b * 0.1;
                _t7_b = 0;
                _t4_b += _t5_b * Math.cos(_t4);
                _t5_b = 0;
                _t4 = tape.floats.pop();
                x_b[i_2] += _t4_b;
                _t4_b = 0;
            }
        }
    }
    J_b = 0;
    for (i = _n0 - 1; i >= 0; i--) {
        _t1_b += x_b[i];
        x_b[i] = 0;
        x0_b[i] += _t1_b;
        _t1_b = 0;
    }
    return x0_b;
}
