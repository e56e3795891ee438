// A page script written for browsers: show the camera in a <video>, and on a click draw the
// current frame into a <canvas> and show it as a PNG in an <img>.
(() => {
  // The photo is this wide; its height follows the camera's aspect ratio.
  const width = 320;
  let height = 0;
  // True once the camera shows frames.
  let streaming = false;

  let video = null;
  let canvas = null;
  let photo = null;
  let startbutton = null;

  function startup() {
    video = document.getElementById('video');
    canvas = document.getElementById('canvas');
    photo = document.getElementById('photo');
    startbutton = document.getElementById('startbutton');

    navigator.mediaDevices
      .getUserMedia({ video: true, audio: false })
      .then((stream) => {
        video.srcObject = stream;
        video.play();
      })
      .catch((err) => {
        console.error(`Could not open the camera: ${err}`);
      });

    video.addEventListener(
      'canplay',
      () => {
        if (!streaming) {
          height = video.videoHeight / (video.videoWidth / width);
          // Some browsers report no size yet: guess 4:3.
          if (isNaN(height)) height = width / (4 / 3);
          video.setAttribute('width', width);
          video.setAttribute('height', height);
          canvas.setAttribute('width', width);
          canvas.setAttribute('height', height);
          streaming = true;
        }
      },
      false,
    );

    startbutton.addEventListener(
      'click',
      (ev) => {
        takepicture();
        ev.preventDefault();
      },
      false,
    );

    clearphoto();
  }

  // Shows a grey box in place of a photo.
  function clearphoto() {
    const context = canvas.getContext('2d');
    context.fillStyle = '#AAA';
    context.fillRect(0, 0, canvas.width, canvas.height);
    photo.setAttribute('src', canvas.toDataURL('image/png'));
  }

  // Draws the video's current frame into the canvas and shows it as a PNG data URL.
  function takepicture() {
    const context = canvas.getContext('2d');
    if (width && height) {
      canvas.width = width;
      canvas.height = height;
      context.drawImage(video, 0, 0, width, height);
      photo.setAttribute('src', canvas.toDataURL('image/png'));
    } else {
      clearphoto();
    }
  }

  window.addEventListener('load', startup, false);
})();
