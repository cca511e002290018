function f_grad(x, w) {
    // arrays written below: copies, so the caller's stay as they were
    x = Float64Array.from(x);
    const tape = f_grad_tape;
    tape.reset();
    const floats = tape.floats;
    let nf = 0;
    let i = 0, _t0 = 0, _t2 = 0, _t6 = 0, _t10 = 0;
    const x_b = new Float64Array(x.length);
    let _t0_b = 0, _t3_b = 0, _y = 0;
    // forward sweep
    for (i = 1; i < x.length; i++) {
        floats[nf++] = _t0;
        _t0 = x[i];
        floats[nf++] = _t2;
        _t2 = x[i - 1];
        floats[nf++] = _t6;
        _t6 = Math.tanh(_t0 * _t2 * w[i]);
        x[i] = _t6;
    }
    _t10 = x.length - 1;
    tape.mark();
    // reverse sweep
    x_b[0] += x[_t10];
    x_b[_t10] += x[0];
    for (i = x.length - 1; i >= 1; i--) {
        _y = _t6;
        _t6 = floats[--nf];
        _t3_b = x_b[i] * (1 - _y * _y) * w[i];
        x_b[i] = 0;
        _t0_b = _t3_b * _t2;
        _t2 = floats[--nf];
        x_b[i - 1] += _t3_b * _t0;
        _t0 = floats[--nf];
        x_b[i] += _t0_b;
    }
    return x_b;
}
