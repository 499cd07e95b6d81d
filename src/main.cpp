// imgtrust: thin entry point; everything lives in src/cli and libimgtrust.
int main() { return 0; }
