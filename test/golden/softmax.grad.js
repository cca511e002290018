function f_grad(theta, X, y, n, d, c) {
    const tape = f_grad_tape;
    tape.reset();
    const floats = tape.floats;
    let nf = 0;
    let logits, i = 0, max = 0, k = 0, z = 0, j = 0, sum = 0, k_2 = 0, _t13 = 0, max_at = 0;
    const theta_b = new Float64Array(theta.length);
    let total_b = 0, logits_b, max_b = 0, z_b = 0, sum_b = 0, _t12_b = 0, _y = 0;
    // forward sweep
    logits = new Float64Array(c);
    logits_b = new Float64Array(logits.length);
    total_b = 1 / n;
    // each iteration reversed right after it runs: they meet only in sums
    for (i = 0; i < n; i++) {
        max = -Infinity;
        max_at = -1;
        for (k = 0; k < c; k++) {
            z = 0;
            for (j = 0; j < d; j++) {
                z += theta[k * d + j] * X[i * d + j];
            }
            logits[k] = z;
            if (z > max) {
                max = z;
                max_at = k;
            }
        }
        sum = 0;
        for (k_2 = 0; k_2 < c; k_2++) {
            floats[nf++] = _t13;
            _t13 = Math.exp(logits[k_2] - max);
            sum += _t13;
        }
        logits_b[y[i]] -= total_b;
        max_b += total_b;
        sum_b = total_b * (1 / sum);
        for (k_2 = Math.ceil(c) - 1; k_2 >= 0; k_2--) {
            _y = _t13;
            _t13 = floats[--nf];
            _t12_b = sum_b * _y;
            max_b -= _t12_b;
            logits_b[k_2] += _t12_b;
        }
        for (k = Math.ceil(c) - 1; k >= 0; k--) {
            if (k === max_at) {
                z_b = max_b;
                max_b = 0;
            }
            z_b += logits_b[k];
            logits_b[k] = 0;
            for (j = Math.ceil(d) - 1; j >= 0; j--) {
                theta_b[k * d + j] += z_b * X[i * d + j];
            }
            z_b = 0;
        }
        max_b = 0;
    }
    tape.mark();
    return theta_b;
}
