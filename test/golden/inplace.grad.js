function f_grad(x, w) {
    // arrays written below: copies, so the caller's stay as they were
    x = Float64Array.from(x);
    const tape = f_grad_tape;
    tape.reset();
    let f_result = 0, i = 0, _t0 = 0, _t1 = 0, _t2 = 0, _t3 = 0, _t4 = 0, _t5 = 0, _t6 = 0, _t7 = 0, _t8 = false, _t9 = 0, _t10 = 0, _t11 = 0, _t12 = 0, _t13 = 0, _n0 = 0;
    const x_b = new Float64Array(x.length);
    let f_result_b = 0, _t0_b = 0, _t2_b = 0, _t3_b = 0, _t5_b = 0, _t6_b = 0, _t11_b = 0, _t12_b = 0, _t13_b = 0, _y = 0;
    // forward sweep
    i = 1;
    _n0 = 0;
    for (;;) {
        _t7 = x.length;
        _t8 = i < _t7;
        if (!_t8) {
            break;
        }
        tape.floats.push(_t0);
        _t0 = x[i];
        _t1 = i - 1;
        tape.floats.push(_t2);
        _t2 = x[_t1];
        _t3 = _t0 * _t2;
        _t4 = w[i];
        _t5 = _t3 * _t4;
        tape.floats.push(_t6);
        _t6 = Math.tanh(_t5);
        x[i] = _t6;
        i = i + 1;
        _n0 += 1;
    }
    _t9 = x.length;
    _t10 = _t9 - 1;
    _t11 = x[_t10];
    _t12 = x[0];
    _t13 = _t11 * _t12;
    f_result = _t13;
    tape.mark();
    // reverse sweep
    f_result_b = 1;
    _t13_b += f_result_b;
    _t11_b += _t13_b * _t12;
    _t12_b += _t13_b * _t11;
    x_b[0] += _t12_b;
    x_b[_t10] += _t11_b;
    for (i = 1 + (_n0 - 1); i >= 1; i--) {
        _t1 = i - 1;
        _t4 = w[i];
        _t6_b += x_b[i];
        x_b[i] = 0;
        _y = _t6;
        _t6 = tape.floats.pop();
        _t5_b += _t6_b * (1 - _y * _y);
        _t6_b = 0;
        _t3_b += _t5_b * _t4;
        _t5_b = 0;
        _t0_b += _t3_b * _t2;
        _t2_b += _t3_b * _t0;
        _t3_b = 0;
        _t2 = tape.floats.pop();
        x_b[_t1] += _t2_b;
        _t2_b = 0;
        _t0 = tape.floats.pop();
        x_b[i] += _t0_b;
        _t0_b = 0;
    }
    return x_b;
}
