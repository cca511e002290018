function f_grad(layers, x) {
    const tape = f_grad_tape;
    tape.reset();
    let f_result = 0, h, _t0 = 0, i = 0, item, W, b, _t1 = 0, h_2, _t2 = 0, i_2 = 0, row, fn_result = 0, k = 0, acc = 0, _t4 = 0, _t5 = 0, _t6 = 0, i_3 = 0, _t8 = 0, fn_result_2 = 0, s = 0, w = 0, j = 0, _t9 = 0, _t10 = 0, _t11 = 0, _t12 = 0, acc_2 = 0, _t14 = 0, _t15 = 0, i_4 = 0, _t17 = 0, fn_result_3 = 0, s_2 = 0, v = 0, _t18 = 0, _t19 = 0, _len = 0, i_5 = 0, _e = 0, _n4 = 0, _n0 = 0, _n2 = 0, _n1 = 0, _n3 = 0;
    const layers_b = __tsgrad.zerosLike(layers);
    let f_result_b = 0, h_b = new Float64Array(0), item_b, W_b, b_b, h_2_b = new Float64Array(0), row_b, fn_result_b = 0, acc_b = 0, _t5_b = 0, _t8_b = 0, fn_result_2_b = 0, s_b = 0, w_b = 0, _t9_b = 0, _t10_b = 0, _t11_b = 0, _t12_b = 0, acc_2_b = 0, _t17_b = 0, fn_result_3_b = 0, s_2_b = 0, v_b = 0, _t18_b = 0, _t19_b = 0, _y = 0, _swap;
    // forward sweep
    _len = x.length;
    h = new Array(_len).fill(0);
    if (h_b.length < h.length) {
        h_b = new Float64Array(h.length);
    }
    i_5 = 0;
    _n4 = 0;
    while (i_5 < _len) {
        _e = x[i_5];
        h[i_5] = _e;
        i_5 = i_5 + 1;
        _n4 += 1;
    }
    _t0 = layers.length;
    i = 0;
    _n0 = 0;
    while (i < _t0) {
        item = layers[i];
        item_b = layers_b[i];
        W = item.W;
        W_b = item_b.W;
        b = item.b;
        b_b = item_b.b;
        _t1 = W.length;
        h_2 = h_2 !== undefined && h_2.length === _t1 ? h_2 : new Array(_t1).fill(0);
        if (h_2_b.length < h_2.length) {
            h_2_b = new Float64Array(h_2.length);
        }
        _t2 = W.length;
        i_2 = 0;
        _n2 = 0;
        while (i_2 < _t2) {
            row = W[i_2];
            row_b = W_b[i_2];
            k = i_2;
            _t4 = row.length;
            _t5 = b[k];
            acc = _t5;
            _t6 = row.length;
            i_3 = 0;
            _n1 = 0;
            while (i_3 < _t6) {
                _t8 = row[i_3];
                s = acc;
                w = _t8;
                j = i_3;
                tape.floats.push(_t9);
                _t9 = h[j];
                _t10 = w * _t9;
                _t11 = s + _t10;
                fn_result_2 = _t11;
                acc = fn_result_2;
                i_3 = i_3 + 1;
                _n1 += 1;
            }
            tape.ints.push(_n1);
            tape.floats.push(_t12);
            _t12 = Math.tanh(acc);
            fn_result = _t12;
            h_2[i_2] = fn_result;
            i_2 = i_2 + 1;
            _n2 += 1;
        }
        tape.ints.push(_n2);
        _swap = h;
        h = h_2;
        h_2 = _swap;
        _swap = h_b;
        h_b = h_2_b;
        h_2_b = _swap;
        i = i + 1;
        _n0 += 1;
    }
    _t14 = h.length;
    acc_2 = 0;
    _t15 = h.length;
    i_4 = 0;
    _n3 = 0;
    while (i_4 < _t15) {
        _t17 = h[i_4];
        s_2 = acc_2;
        tape.floats.push(v);
        v = _t17;
        _t18 = v * v;
        _t19 = s_2 + _t18;
        fn_result_3 = _t19;
        acc_2 = fn_result_3;
        i_4 = i_4 + 1;
        _n3 += 1;
    }
    f_result = acc_2;
    tape.mark();
    // reverse sweep
    f_result_b = 1;
    acc_2_b += f_result_b;
    for (i_4 = _n3 - 1; i_4 >= 0; i_4--) {
        fn_result_3_b += acc_2_b;
        acc_2_b = 0;
        _t19_b += fn_result_3_b;
        fn_result_3_b = 0;
        s_2_b += _t19_b;
        _t18_b += _t19_b;
        _t19_b = 0;
        v_b += _t18_b * v;
        v_b += _t18_b * v;
        _t18_b = 0;
        v = tape.floats.pop();
        _t17_b += v_b;
        v_b = 0;
        acc_2_b += s_2_b;
        s_2_b = 0;
        h_b[i_4] += _t17_b;
        _t17_b = 0;
    }
    acc_2_b = 0;
    for (i = _n0 - 1; i >= 0; i--) {
        item = layers[i];
        item_b = layers_b[i];
        W = item.W;
        W_b = item_b.W;
        b = item.b;
        b_b = item_b.b;
        _swap = h_b;
        h_b = h_2_b;
        h_2_b = _swap;
        _n2 = tape.ints.pop();
        for (i_2 = _n2 - 1; i_2 >= 0; i_2--) {
            row = W[i_2];
            row_b = W_b[i_2];
            k = i_2;
            fn_result_b += h_2_b[i_2];
            h_2_b[i_2] = 0;
            _t12_b += fn_result_b;
            fn_result_b = 0;
            _y = _t12;
            _t12 = tape.floats.pop();
            acc_b += _t12_b * (1 - _y * _y);
            _t12_b = 0;
            _n1 = tape.ints.pop();
            for (i_3 = _n1 - 1; i_3 >= 0; i_3--) {
                _t8 = row[i_3];
                w = _t8;
                j = i_3;
                fn_result_2_b += acc_b;
                acc_b = 0;
                _t11_b += fn_result_2_b;
                fn_result_2_b = 0;
                s_b += _t11_b;
                _t10_b += _t11_b;
                _t11_b = 0;
                w_b += _t10_b * _t9;
                _t9_b += _t10_b * w;
                _t10_b = 0;
                _t9 = tape.floats.pop();
                h_b[j] += _t9_b;
                _t9_b = 0;
                _t8_b += w_b;
                w_b = 0;
                acc_b += s_b;
                s_b = 0;
                row_b[i_3] += _t8_b;
                _t8_b = 0;
            }
            _t5_b += acc_b;
            acc_b = 0;
            b_b[k] += _t5_b;
            _t5_b = 0;
        }
    }
    for (i_5 = _n4 - 1; i_5 >= 0; i_5--) {
        h_b[i_5] = 0;
    }
    return layers_b;
}
