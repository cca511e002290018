function f_grad(x, n) {
    const tape = f_grad_tape;
    tape.reset();
    const floats = tape.floats, ints = tape.ints;
    let nf = 0, ni = 0;
    let i = 0, v = 0, _t2 = 0, _brk1 = false, softplus_result = 0, _ret1 = false, _t10 = 0, _t13 = 0, _t18 = false, _n0 = 0;
    const x_b = new Float64Array(x.length);
    let v_b = 0, softplus_result_b = 0, z_b = 0, _t10_b = 0, _y = 0;
    // forward sweep
    i = 0;
    _brk1 = false;
    _n0 = 0;
    for (;;) {
        _t18 = false;
        if (!_brk1) {
            _t18 = i < n;
        }
        if (!_t18) {
            break;
        }
        if (x[i] > 0) {
            _t2 = x[i];
            v = _t2 * _t2;
        }
        else {
            v = -x[i];
        }
        if (v > 10) {
            _brk1 = true;
        }
        if (!_brk1) {
            _ret1 = false;
            if (v > 20) {
                floats[nf++] = softplus_result;
                softplus_result = v;
                _ret1 = true;
                ints[ni++] = 1;
            }
            else {
                ints[ni++] = 0;
            }
            if (!_ret1) {
                floats[nf++] = _t10;
                _t10 = Math.exp(v);
                floats[nf++] = softplus_result;
                softplus_result = Math.log1p(_t10);
                ints[ni++] = 1;
            }
            else {
                ints[ni++] = 0;
            }
            ints[ni++] = 1;
        }
        else {
            ints[ni++] = 0;
        }
        if (!_brk1) {
            i += 1;
        }
        _n0 += 1;
    }
    tape.mark();
    // reverse sweep
    for (i = _n0 - 1; i >= 0; i--) {
        if (ints[--ni]) {
            _t13 = x[i];
            softplus_result_b += Math.cos(_t13);
            x_b[i] -= softplus_result * Math.sin(_t13);
            if (ints[--ni]) {
                softplus_result = floats[--nf];
                _t10_b = softplus_result_b * (1 / (1 + _t10));
                softplus_result_b = 0;
                _y = _t10;
                _t10 = floats[--nf];
                z_b += _t10_b * _y;
            }
            if (ints[--ni]) {
                softplus_result = floats[--nf];
                z_b += softplus_result_b;
                softplus_result_b = 0;
            }
            v_b = z_b;
            z_b = 0;
        }
        if (x[i] > 0) {
            x_b[i] += v_b * (2 * x[i]);
        }
        else {
            x_b[i] -= v_b;
        }
        v_b = 0;
    }
    return x_b;
}
