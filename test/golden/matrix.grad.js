function f_grad(x, W) {
    let _t0 = 0, i = 0, row, acc = 0, _t2 = 0, i_2 = 0;
    const x_b = new Float64Array(x.length);
    let acc_b = 0, _y = 0;
    // forward sweep
    _t0 = W.length;
    // each iteration reversed right after it runs: they meet only in sums
    for (i = 0; i < _t0; i++) {
        row = W[i];
        acc = 0;
        _t2 = row.length;
        for (i_2 = 0; i_2 < _t2; i_2++) {
            acc += row[i_2] * x[i_2];
        }
        _y = Math.tanh(acc);
        acc_b = 1 - _y * _y;
        for (i_2 = i_2 - 1; i_2 >= 0; i_2--) {
            x_b[i_2] += acc_b * row[i_2];
        }
    }
    return Array.from(x_b);
}
