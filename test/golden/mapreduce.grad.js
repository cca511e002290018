function f_grad(w, x) {
    let scaled, _t1 = 0, i = 0, i_3 = 0, _t10 = 0;
    const w_b = new Float64Array(w.length);
    let scaled_b;
    // forward sweep
    scaled = new Float64Array(w.length);
    scaled_b = new Float64Array(scaled.length);
    _t1 = w.length;
    for (i = 0; i < _t1; i++) {
        scaled[i] = w[i] * x[i];
    }
    // reverse sweep
    for (i_3 = scaled.length - 1; i_3 >= 0; i_3--) {
        _t10 = Math.exp(scaled[i_3]);
        scaled_b[i_3] += 1 / (1 + _t10) * _t10;
    }
    for (i = _t1 - 1; i >= 0; i--) {
        w_b[i] += scaled_b[i] * x[i];
        scaled_b[i] = 0;
    }
    return w_b;
}
