function f_grad(c, x) {
    let _t0 = 0;
    const c_b = new Float64Array(c.length);
    let _t0_b = 0;
    // forward sweep
    _t0 = horner_primal(c, x, 0);
    // reverse sweep
    _t0_b += 2 * _t0;
    horner_pullback(c, x, 0, c_b, _t0_b);
    return c_b;
}

function horner_primal(c, x, from) {
    let horner_result = 0;
    if (from >= c.length) {
        horner_result = 0;
    }
    else {
        horner_result = c[from] + x * horner_primal(c, x, from + 1);
    }
    return horner_result;
}

function horner_pullback(c, x, from, c_b, ct) {
    let _t1 = false, _t3 = 0, _t4 = 0;
    let x_b = 0, from_b = 0, _t4_b = 0, _t7_b = 0, _d;
    // forward sweep
    _t1 = from >= c.length;
    if (!_t1) {
        _t3 = from + 1;
        _t4 = horner_primal(c, x, _t3);
    }
    // reverse sweep
    _t7_b += ct;
    if (!_t1) {
        x_b += _t7_b * _t4;
        _t4_b += _t7_b * x;
        _d = horner_pullback(c, x, _t3, c_b, _t4_b);
        x_b += _d[0];
        from_b += _d[1];
        c_b[from] += _t7_b;
    }
    return [x_b, from_b];
}
