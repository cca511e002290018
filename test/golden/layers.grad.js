function f_grad(layers, x) {
    const tape = f_grad_tape;
    tape.reset();
    const floats = tape.floats, ints = tape.ints;
    let nf = 0, ni = 0;
    let h, _t0 = 0, i = 0, item, W, b, _t1 = 0, h_2, _t2 = 0, i_2 = 0, row, acc = 0, _t6 = 0, i_3 = 0, _t9 = 0, _t12 = 0, _t15 = 0, i_4 = 0, v = 0, _len = 0, i_5 = 0;
    const layers_b = __tsgrad.zerosLike(layers);
    let h_b = new Float64Array(0), item_b, W_b, b_b, h_2_b = new Float64Array(0), row_b, acc_b = 0, w_b = 0, _t9_b = 0, v_b = 0, _y = 0, _swap;
    // forward sweep
    _len = x.length;
    h = new Array(_len).fill(0);
    if (h_b.length < h.length) {
        h_b = new Float64Array(h.length);
    }
    for (i_5 = 0; i_5 < _len; i_5++) {
        h[i_5] = x[i_5];
    }
    _t0 = layers.length;
    for (i = 0; i < _t0; i++) {
        item = layers[i];
        W = item.W;
        b = item.b;
        _t1 = W.length;
        h_2 = h_2 !== undefined && h_2.length === _t1 ? h_2 : new Array(_t1).fill(0);
        if (h_2_b.length < h_2.length) {
            h_2_b = new Float64Array(h_2.length);
        }
        _t2 = W.length;
        for (i_2 = 0; i_2 < _t2; i_2++) {
            row = W[i_2];
            acc = b[i_2];
            _t6 = row.length;
            for (i_3 = 0; i_3 < _t6; i_3++) {
                floats[nf++] = _t9;
                _t9 = h[i_3];
                acc += row[i_3] * _t9;
            }
            ints[ni++] = i_3;
            floats[nf++] = _t12;
            _t12 = Math.tanh(acc);
            h_2[i_2] = _t12;
        }
        ints[ni++] = i_2;
        _swap = h;
        h = h_2;
        h_2 = _swap;
        _swap = h_b;
        h_b = h_2_b;
        h_2_b = _swap;
    }
    _t15 = h.length;
    for (i_4 = 0; i_4 < _t15; i_4++) {
        floats[nf++] = v;
        v = h[i_4];
    }
    tape.mark();
    // reverse sweep
    for (i_4 = _t15 - 1; i_4 >= 0; i_4--) {
        v_b += 2 * v;
        v = floats[--nf];
        h_b[i_4] += v_b;
        v_b = 0;
    }
    for (i = _t0 - 1; i >= 0; i--) {
        item_b = layers_b[i];
        W = layers[i].W;
        W_b = item_b.W;
        b_b = item_b.b;
        _swap = h_b;
        h_b = h_2_b;
        h_2_b = _swap;
        for (i_2 = ints[--ni] - 1; i_2 >= 0; i_2--) {
            row = W[i_2];
            row_b = W_b[i_2];
            _y = _t12;
            _t12 = floats[--nf];
            acc_b += h_2_b[i_2] * (1 - _y * _y);
            h_2_b[i_2] = 0;
            for (i_3 = ints[--ni] - 1; i_3 >= 0; i_3--) {
                w_b += acc_b * _t9;
                _t9_b += acc_b * row[i_3];
                _t9 = floats[--nf];
                h_b[i_3] += _t9_b;
                _t9_b = 0;
                row_b[i_3] += w_b;
                w_b = 0;
            }
            b_b[i_2] += acc_b;
            acc_b = 0;
        }
    }
    for (i_5 = _len - 1; i_5 >= 0; i_5--) {
        h_b[i_5] = 0;
    }
    return __tsgrad.fitted(layers_b, layers);
}
