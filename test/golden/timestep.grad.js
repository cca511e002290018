function f_grad(x0) {
    const rem = __tsgrad.rem;
    const tape = f_grad_tape;
    tape.reset();
    const floats = tape.floats, ints = tape.ints;
    let nf = 0, ni = 0;
    let x, t = 0, _t0 = 0, arr, _t1 = 0, i = 0, _t7 = 0, _t8 = 0, _t12 = 0, arr_2, _t13 = 0, i_3 = 0, _t19 = 0, arr_3, _t20 = 0, i_5 = 0, _t26 = 0, _t27 = 0, _t31 = 0, arr_4, _t32 = 0, i_7 = 0, _t40 = 0, i_9 = 0, v = 0, _len = 0, i_10 = 0;
    const x0_b = new Float64Array(x0.length);
    let x_b = new Float64Array(0), arr_b = new Float64Array(0), xi_b = 0, _t8_b = 0, _t11_b = 0, arr_2_b = new Float64Array(0), _t18_b = 0, arr_3_b = new Float64Array(0), _t27_b = 0, _t30_b = 0, arr_4_b = new Float64Array(0), yi_2_b = 0, _t37_b = 0, v_b = 0, _swap;
    // forward sweep
    _len = x0.length;
    x = new Array(_len).fill(0);
    if (x_b.length < x.length) {
        x_b = new Float64Array(x.length);
    }
    for (i_10 = 0; i_10 < _len; i_10++) {
        x[i_10] = x0[i_10];
    }
    for (t = 0; t < 3; t++) {
        _t0 = x.length;
        arr = arr !== undefined && arr.length === _t0 ? arr : new Array(_t0).fill(0);
        if (arr_b.length < arr.length) {
            arr_b = new Float64Array(arr.length);
        }
        _t1 = x.length;
        for (i = 0; i < _t1; i++) {
            floats[nf++] = _t7;
            _t7 = rem(i + 1, x.length);
            floats[nf++] = _t8;
            _t8 = x[_t7];
            arr[i] = -x[i] + 0.5 * _t8 ** 2;
        }
        ints[ni++] = i;
        _t12 = x.length;
        arr_2 = arr_2 !== undefined && arr_2.length === _t12 ? arr_2 : new Array(_t12).fill(0);
        if (arr_2_b.length < arr_2.length) {
            arr_2_b = new Float64Array(arr_2.length);
        }
        _t13 = x.length;
        for (i_3 = 0; i_3 < _t13; i_3++) {
            arr_2[i_3] = x[i_3] + 0.05 * arr[i_3];
        }
        ints[ni++] = i_3;
        _t19 = arr_2.length;
        arr_3 = arr_3 !== undefined && arr_3.length === _t19 ? arr_3 : new Array(_t19).fill(0);
        if (arr_3_b.length < arr_3.length) {
            arr_3_b = new Float64Array(arr_3.length);
        }
        _t20 = arr_2.length;
        for (i_5 = 0; i_5 < _t20; i_5++) {
            floats[nf++] = _t26;
            _t26 = rem(i_5 + 1, arr_2.length);
            floats[nf++] = _t27;
            _t27 = arr_2[_t26];
            arr_3[i_5] = -arr_2[i_5] + 0.5 * _t27 ** 2;
        }
        ints[ni++] = i_5;
        _t31 = x.length;
        arr_4 = arr_4 !== undefined && arr_4.length === _t31 ? arr_4 : new Array(_t31).fill(0);
        if (arr_4_b.length < arr_4.length) {
            arr_4_b = new Float64Array(arr_4.length);
        }
        _t32 = x.length;
        for (i_7 = 0; i_7 < _t32; i_7++) {
            arr_4[i_7] = x[i_7] + 0.1 * arr_3[i_7];
        }
        ints[ni++] = i_7;
        _swap = x;
        x = arr_4;
        arr_4 = _swap;
        _swap = x_b;
        x_b = arr_4_b;
        arr_4_b = _swap;
    }
    _t40 = x.length;
    for (i_9 = 0; i_9 < _t40; i_9++) {
        floats[nf++] = v;
        v = x[i_9];
    }
    tape.mark();
    // reverse sweep
    for (i_9 = _t40 - 1; i_9 >= 0; i_9--) {
        v_b += 2 * v;
        v = floats[--nf];
        x_b[i_9] += v_b;
        v_b = 0;
    }
    for (t = 2; t >= 0; t--) {
        _swap = x_b;
        x_b = arr_4_b;
        arr_4_b = _swap;
        for (i_7 = ints[--ni] - 1; i_7 >= 0; i_7--) {
            _t37_b = arr_4_b[i_7];
            arr_4_b[i_7] = 0;
            yi_2_b += _t37_b;
            arr_3_b[i_7] += _t37_b * 0.1;
            x_b[i_7] += yi_2_b;
            yi_2_b = 0;
        }
        for (i_5 = ints[--ni] - 1; i_5 >= 0; i_5--) {
            _t30_b = arr_3_b[i_5];
            arr_3_b[i_5] = 0;
            _t27_b = _t30_b * 0.5 * (2 * _t27);
            _t27 = floats[--nf];
            arr_2_b[_t26] += _t27_b;
            _t26 = floats[--nf];
            arr_2_b[i_5] -= _t30_b;
        }
        for (i_3 = ints[--ni] - 1; i_3 >= 0; i_3--) {
            _t18_b = arr_2_b[i_3];
            arr_2_b[i_3] = 0;
            arr_b[i_3] += _t18_b * 0.05;
            x_b[i_3] += _t18_b;
        }
        for (i = ints[--ni] - 1; i >= 0; i--) {
            _t11_b = arr_b[i];
            arr_b[i] = 0;
            _t8_b += _t11_b * 0.5 * (2 * _t8);
            _t8 = floats[--nf];
            x_b[_t7] += _t8_b;
            _t8_b = 0;
            _t7 = floats[--nf];
            xi_b -= _t11_b;
            x_b[i] += xi_b;
            xi_b = 0;
        }
    }
    for (i_10 = _len - 1; i_10 >= 0; i_10--) {
        x0_b[i_10] += x_b[i_10];
        x_b[i_10] = 0;
    }
    return Array.from(x0_b);
}
