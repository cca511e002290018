function f_grad(c, x) {
    let f_result = 0, _t0 = 0, _t1 = 0;
    const c_b = new Float64Array(c.length);
    let f_result_b = 0, _t0_b = 0, _t1_b = 0, _d;
    // forward sweep
    _t0 = horner_primal(c, x, 0);
    _t1 = _t0 ** 2;
    f_result = _t1;
    // reverse sweep
    f_result_b = 1;
    _t1_b += f_result_b;
    _t0_b += _t1_b * (2 === 0 ? 0 : 2 * Math.pow(_t0, 2 - 1));
    _d = horner_pullback(c, x, 0, c_b, _t0_b);
    return c_b;
}

function horner_primal(c, x, from) {
    let horner_result = 0, _t0 = 0, _t1 = false, _t2 = 0, _t3 = 0, _t4 = 0, _t5 = 0, _t6 = 0, _t7 = 0;
    _t0 = c.length;
    _t1 = from >= _t0;
    if (_t1) {
        _t7 = 0;
    }
    else {
        _t2 = c[from];
        _t3 = from + 1;
        _t4 = horner_primal(c, x, _t3);
        _t5 = x * _t4;
        _t6 = _t2 + _t5;
        _t7 = _t6;
    }
    horner_result = _t7;
    return horner_result;
}

function horner_pullback(c, x, from, c_b, ct) {
    let horner_result = 0, _t0 = 0, _t1 = false, _t2 = 0, _t3 = 0, _t4 = 0, _t5 = 0, _t6 = 0, _t7 = 0;
    let x_b = 0, from_b = 0, horner_result_b = 0, _t2_b = 0, _t3_b = 0, _t4_b = 0, _t5_b = 0, _t6_b = 0, _t7_b = 0, _d;
    // forward sweep
    _t0 = c.length;
    _t1 = from >= _t0;
    if (_t1) {
        _t7 = 0;
    }
    else {
        _t2 = c[from];
        _t3 = from + 1;
        _t4 = horner_primal(c, x, _t3);
        _t5 = x * _t4;
        _t6 = _t2 + _t5;
        _t7 = _t6;
    }
    horner_result = _t7;
    // reverse sweep
    horner_result_b = ct;
    _t7_b += horner_result_b;
    if (_t1) {
        _t7_b = 0;
    }
    else {
        _t6_b += _t7_b;
        _t7_b = 0;
        _t2_b += _t6_b;
        _t5_b += _t6_b;
        x_b += _t5_b * _t4;
        _t4_b += _t5_b * x;
        _d = horner_pullback(c, x, _t3, c_b, _t4_b);
        x_b += _d[0];
        _t3_b += _d[1];
        from_b += _t3_b;
        c_b[from] += _t2_b;
    }
    return [x_b, from_b];
}
