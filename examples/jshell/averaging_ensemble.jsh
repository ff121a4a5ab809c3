// Seed example 3: an ensemble whose outputs are averaged.
// Run: ./graft-shell examples/jshell/averaging_ensemble.jsh
var inputEnsemble = input("input_data", 32, 32, 3);
Model modelA = sequential(conv2d(32, 3).activation("relu").inputShape(32, 32, 3),
                          maxPooling2d(), flatten(), dense(1).activation("sigmoid"));
Model modelB = sequential(conv2d(64, 3).activation("relu").inputShape(32, 32, 3),
                          maxPooling2d(), flatten(), dense(1).activation("sigmoid"));
Model ensemble = model(inputEnsemble, average(modelA.on(inputEnsemble), modelB.on(inputEnsemble)));
ensemble.compile(adam(), "binary_crossentropy", "accuracy");
ensemble.fit(Tensor.rand(100, 32, 32, 3), Tensor.randint(0, 2, 100, 1), 2);
Tensor p = ensemble.predict(Tensor.rand(8, 32, 32, 3));
System.out.println(p);
/exit
