// Runs before the first paint (a blocking script in <head>): the phone menu starts folded
// only when a script is there to unfold it.
document.documentElement.classList.add("js");
